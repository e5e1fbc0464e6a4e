// Small form controls shared by the replay and compare forms.
import type { SessionRecord } from '../../../../src/sessions/index.ts';
import type { ReplayWhat } from '../../../../src/replay/index.ts';

// Default names already hold the start time, so the option is name, size and source; the
// full start time is the option's title, and the picked one's is the select's.
export function sessionLabel(s: SessionRecord): string {
  return `${s.name} · ${s.frameCount.toLocaleString()} frame${s.frameCount === 1 ? '' : 's'}${s.source !== 'live' ? ` · ${s.source}` : ''}`;
}
const started = (s: SessionRecord): string => `${sessionLabel(s)}, started ${new Date(s.startedAt).toLocaleString()}`;

export function SessionPicker(props: { label: string; sessions: readonly SessionRecord[]; value: string; onChange: (id: string) => void; testId: string }) {
  const picked = props.sessions.find((s) => s.id === props.value);
  return (
    <label>
      {props.label}{' '}
      <select data-testid={props.testId} value={props.value} title={picked ? started(picked) : 'Pick a stored session'} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">(pick a session)</option>
        {props.sessions.map((s) => (
          <option value={s.id} title={started(s)}>
            {sessionLabel(s)}
          </option>
        ))}
      </select>
    </label>
  );
}

const WHAT: readonly { value: ReplayWhat; text: string }[] = [
  { value: 'received', text: 'Received events' },
  { value: 'published', text: 'Page publishes (WebSocket and HTTP)' },
  { value: 'both', text: 'Both' },
];

export function WhatPicker({ name, value, onChange }: { name: string; value: ReplayWhat; onChange: (v: ReplayWhat) => void }) {
  return (
    <span class="radio-group" role="radiogroup" aria-label="What to take">
      {WHAT.map((w) => (
        <label>
          <input type="radio" name={name} value={w.value} checked={value === w.value} onChange={() => onChange(w.value)} /> {w.text}
        </label>
      ))}
    </span>
  );
}
