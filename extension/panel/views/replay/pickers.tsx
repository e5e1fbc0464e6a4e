// Small form controls shared by the replay and compare forms.
import type { SessionRecord } from '../../../../src/sessions/index.ts';
import type { ReplayWhat } from '../../../../src/replay/index.ts';

function label(s: SessionRecord): string {
  const when = new Date(s.startedAt).toLocaleString();
  return `${s.name} · ${s.frameCount.toLocaleString()} frames · ${when}${s.source !== 'live' ? ` · ${s.source}` : ''}`;
}

export function SessionPicker(props: { label: string; sessions: readonly SessionRecord[]; value: string; onChange: (id: string) => void; testId: string }) {
  return (
    <label>
      {props.label}{' '}
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">(pick a session)</option>
        {props.sessions.map((s) => (
          <option value={s.id}>{label(s)}</option>
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
