// The replay form's values and their validation into engine options: pure, so the checks
// the view shows are unit-tested.
import { compileRemap, parseRemapText, timingProblem, type CompiledRule, type ReplayWhat, type Timing } from '../../../../src/replay/index.ts';

export type TargetKind = 'endpoint' | 'inject' | 'socket';
export type TimingMode = Timing['mode'];

export interface ReplayForm {
  readonly sessionId: string;
  readonly what: ReplayWhat;
  /** Comma-separated channels or patterns; empty for all. */
  readonly channels: string;
  /** Frame positions picked in the inspector ("Replay this"); empty for the whole session. */
  readonly positions: readonly number[];
  readonly target: TargetKind;
  /** The endpoint profile (the console's profiles) to publish to. */
  readonly profileId: string;
  /** How the endpoint target publishes: `POST /event` or one WebSocket for the run. */
  readonly transport: 'http' | 'ws';
  /** API key put in each publish on the page's socket (socket target), if it needs one. */
  readonly apiKey: string;
  /** The page socket to publish on (socket target). */
  readonly socketId: string;
  readonly timing: TimingMode;
  readonly speed: string;
  readonly rate: string;
  readonly merge: boolean;
  readonly remap: string;
}

export const DEFAULT_FORM: ReplayForm = {
  sessionId: '',
  what: 'received',
  channels: '',
  positions: [],
  target: 'endpoint',
  profileId: '',
  transport: 'http',
  apiKey: '',
  socketId: '',
  timing: 'original',
  speed: '2',
  rate: '10',
  merge: false,
  remap: '',
};

export interface CheckedForm {
  readonly problems: readonly string[];
  readonly timing: Timing;
  readonly rules: readonly CompiledRule[];
  readonly channels: readonly string[];
}

export function timingOf(form: ReplayForm): Timing {
  switch (form.timing) {
    case 'speed':
      return { mode: 'speed', factor: Number(form.speed) };
    case 'rate':
      return { mode: 'rate', perSecond: Number(form.rate) };
    case 'fast':
      return { mode: 'fast' };
    default:
      return { mode: 'original' };
  }
}

export interface FormContext {
  readonly liveSession: boolean;
  /** The picked profile's problems (resolveProfile), when one is picked. */
  readonly profileProblems?: readonly string[];
  readonly profileCount?: number;
}

export function checkForm(form: ReplayForm, context: FormContext): CheckedForm {
  const problems: string[] = [];
  if (form.sessionId === '') problems.push('Pick a session to replay.');
  const timing = timingOf(form);
  const t = timingProblem(timing);
  if (t) problems.push(`Timing: ${t}.`);
  const remap = compileRemap(parseRemapText(form.remap));
  if (!remap.ok) problems.push(...remap.problems.map((p) => `Remap ${p}.`));
  if (form.target === 'endpoint') {
    if (form.profileId === '') {
      problems.push(
        (context.profileCount ?? 0) === 0
          ? 'Endpoint: there is no endpoint profile yet. Add one in the Console (endpoint and auth), then pick it here.'
          : 'Endpoint: pick an endpoint profile.',
      );
    } else problems.push(...(context.profileProblems ?? []).map((p) => `Endpoint profile: ${p}`));
  } else if (!context.liveSession) {
    problems.push('The page has no live session: open the page with DevTools recording, then try again.');
  }
  if (form.target === 'socket' && form.socketId === '') problems.push('Pick the page socket to publish on.');
  const channels = form.channels
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return { problems, timing, rules: remap.ok ? remap.rules : [], channels };
}
