// What the panel knows about host access to a profile's custom domain, shared by the Console
// and Replay: the last check's origins and answer, and a grant that asks the browser. Both
// browsers grant optional host permissions only inside a user gesture, so `grant` calls
// `request` before anything async.
import { signal } from '@preact/signals';

export interface HostAccessState {
  readonly origins: readonly string[];
  readonly granted: boolean;
  /** The user was asked and said no (or the browser refused to ask). */
  readonly refused?: boolean;
}

export interface HostAccessCalls {
  has(origins: readonly string[]): Promise<boolean>;
  /** Must be called synchronously from the click that asks. */
  request(origins: readonly string[]): Promise<boolean>;
}

/** A readable list of origins: `https://api.example.com`, not the pattern. */
export function originNames(origins: readonly string[]): string {
  return origins.map((o) => o.replace(/\/\*$/, '')).join(', ');
}

export function createHostAccessState(calls: HostAccessCalls | undefined) {
  const state = signal<HostAccessState | null>(null);
  // A newer check or a grant makes an older check's answer stale.
  let generation = 0;

  /** Checks these origins ([]: nothing may be withheld, nothing to say). */
  async function check(origins: readonly string[]): Promise<HostAccessState | null> {
    const mine = ++generation;
    if (origins.length === 0 || !calls) {
      state.value = null;
      return null;
    }
    const granted = await calls.has(origins).catch(() => true);
    if (mine === generation) state.value = { origins, granted };
    return { origins, granted };
  }

  /** Asks the browser for the origins of the last check; resolves to whether they are granted. */
  function grant(): Promise<boolean> {
    const s = state.value;
    if (!s || s.granted || !calls) return Promise.resolve(true);
    const asked = calls.request(s.origins);
    generation++;
    return asked.then(
      (granted) => {
        state.value = { origins: s.origins, granted, ...(granted ? {} : { refused: true }) };
        return granted;
      },
      () => {
        state.value = { origins: s.origins, granted: false, refused: true };
        return false;
      },
    );
  }

  return { state, check, grant };
}
