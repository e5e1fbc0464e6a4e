// The Stats pane over a traffic model fed from fixture sequences: the numbers (frames,
// bytes, errors, findings, channels, types), the empty state, updates when the model's
// version moves, page data kept as text, and the toolbar toggle in the inspector.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { signal } from '@preact/signals';
import { createTrafficModel, type TrafficModel } from '../../../src/traffic/index.ts';
import type { StoredFrame } from '../../../src/sessions/types.ts';
import { StatsPane } from '../../../extension/panel/views/inspector/stats-pane.tsx';
import { summarizeStats, chartData } from '../../../extension/panel/views/inspector/stats-model.ts';
import { errors, happyPath, httpPublishes } from '../../fixtures/traffic/sequences.ts';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { InspectorView } from '../../../extension/panel/views/inspector/inspector-view.tsx';
import { freshDb, seedConversation } from './helpers.ts';

let sessions: SessionsStore | undefined;
let inspector: InspectorStore | undefined;
afterEach(() => {
  cleanup();
  sessions?.dispose();
  inspector?.dispose();
  sessions = inspector = undefined;
});

const text = (id: string) => screen.getByTestId(id).textContent;
const fold = (frames: readonly StoredFrame[]): TrafficModel => {
  const m = createTrafficModel();
  m.apply(frames);
  return m;
};
const tableRows = (id: string) => [...screen.getByTestId(id).querySelectorAll('tr')].map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent));

describe('stats model', () => {
  test('totals, top channels with the rest summed, types by count', () => {
    const frames = [...happyPath().frames];
    const m = fold(frames);
    const s = summarizeStats(m.stats(), 1);
    expect(s.frames).toBe(frames.length);
    expect(s.types.reduce((n, r) => n + r.count, 0)).toBe(Object.values(m.stats().byType).reduce((n, v) => n + v, 0));
    expect(s.types[0]!.count).toBeGreaterThanOrEqual(s.types.at(-1)!.count);
    expect(s.channels.length).toBeLessThanOrEqual(1);
    const onChannels = m.stats().byChannel.reduce((n, c) => n + c.count, 0);
    expect(s.channels[0]!.count + s.otherChannels).toBe(onChannels);
    const [x, ev] = chartData(m.stats());
    expect(x.length).toBe(ev.length);
  });
});

describe('StatsPane', () => {
  test('shows the model\'s numbers', () => {
    const frames = [...happyPath().frames];
    const m = fold(frames);
    const st = m.stats();
    render(<StatsPane model={m} version={m.version} />);
    expect(text('stats-frames')).toBe(frames.length.toLocaleString());
    const bytesIn = frames.filter((f) => f.dir === 'receive').reduce((n, f) => n + f.size, 0);
    expect(st.bytesIn).toBe(bytesIn);
    expect(text('stats-bytes-in')).toBe(`${bytesIn} B`);
    expect(text('stats-errors')).toBe('0');
    const types = tableRows('stats-types');
    expect(types).toEqual(Object.entries(st.byType).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, v]) => [k, v.toLocaleString()]));
    expect(tableRows('stats-channels')[0]).toEqual([st.byChannel[0]!.channel, st.byChannel[0]!.count.toLocaleString()]);
  });

  test('errors and findings per severity, and updates when the version moves', () => {
    const m = createTrafficModel();
    const { rerender } = render(<StatsPane model={m} version={m.version} />);
    expect(screen.getByTestId('stats-empty').textContent).toMatch(/Open a page that uses AppSync Events/);
    m.apply(errors().frames);
    rerender(<StatsPane model={m} version={m.version} />);
    const st = m.stats();
    expect(st.errors).toBeGreaterThan(0);
    expect(text('stats-errors')).toBe(st.errors.toLocaleString());
    expect(text('stats-findings-error')).toBe((st.findings.error ?? 0).toLocaleString());
    expect(text('stats-findings-warning')).toBe((st.findings.warning ?? 0).toLocaleString());
    expect(text('stats-findings-info')).toBe((st.findings.info ?? 0).toLocaleString());
    const before = text('stats-frames');
    const more = httpPublishes().frames.map((f, i) => ({ ...f, pos: m.nextPos + i }));
    m.apply(more);
    rerender(<StatsPane model={m} version={m.version} />);
    expect(text('stats-frames')).not.toBe(before);
    expect(Number(text('stats-bytes-out')!.split(' ')[0])).toBeGreaterThan(0);
  });

  test('channel names from the page are text, never markup', () => {
    const evil = '/default/<img src=x onerror=alert(1)>';
    const base = happyPath().frames;
    const frames = base.map((f) => (f.channel ? { ...f, channel: evil } : f));
    const m = fold(frames);
    render(<StatsPane model={m} version={m.version} />);
    expect(document.querySelector('.stats-pane img')).toBeNull();
    expect(screen.getByTestId('stats-channels').textContent).toContain(evil);
  });

  test('without a 2D canvas the chart says so and the numbers stay', () => {
    const frames = happyPath().frames;
    const m = fold(frames);
    render(<StatsPane model={m} version={m.version} />);
    if (m.stats().series.x.length >= 2) {
      expect(screen.getByTestId('stats-chart')).toBeTruthy();
      // happy-dom has no 2D context: the fallback note, never a thrown render.
      expect(screen.getByTestId('stats-chart').textContent).toMatch(/2D canvas/);
    }
    expect(text('stats-frames')).toBe(frames.length.toLocaleString());
  });
});

describe('Stats toggle in the inspector', () => {
  test('opens the pane: an empty state before a session, then the numbers of the store\'s model', async () => {
    const db = await freshDb();
    const s = await seedConversation(db);
    sessions = createSessionsStore(db);
    const store = createInspectorStore(async () => db);
    inspector = store;
    render(<InspectorView store={store} sessions={sessions} live={null} />);
    const toggle = screen.getByTestId('stats-toggle');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('stats-empty').textContent).toMatch(/No session is shown/);
    store.show({ kind: 'stored', id: s.id });
    await waitFor(() => expect(store.traffic).not.toBeNull());
    await store.trafficIdle();
    const frames = store.traffic?.stats().frames ?? 0;
    expect(frames).toBeGreaterThan(0);
    await waitFor(() => expect(text('stats-frames')).toBe(frames.toLocaleString()));
    fireEvent.click(toggle);
    expect(screen.queryByTestId('stats-pane')).toBeNull();
  });
});

describe('Record/Stop button', () => {
  test('sends setRecording for the inspected tab and shows the stopped state', async () => {
    const { createLiveStore } = await import('../../../extension/panel/store/live-store.ts');
    const db = await freshDb();
    sessions = createSessionsStore(db);
    inspector = createInspectorStore(async () => db);
    const live = createLiveStore();
    const sent: unknown[] = [];
    live.setCommands((m) => sent.push(m));
    const status = { type: 'captureStatus', tabId: 7, recording: true, preserveLog: false, sessionId: null, stored: 0, dropped: 0, rejected: 0, problem: null, notice: null } as const;
    live.apply(status);
    render(<InspectorView store={inspector} sessions={sessions} live={live} />);
    const button = screen.getByTestId('record-toggle');
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(button.textContent).toBe('Stop');
    fireEvent.click(button);
    expect(sent).toEqual([{ type: 'setRecording', tabId: 7, on: false }]);
    live.apply({ ...status, recording: false, paused: true, discarded: 3 });
    await waitFor(() => expect(button.getAttribute('aria-pressed')).toBe('false'));
    expect(button.textContent).toBe('Record');
    expect(screen.getByTestId('recording-stopped').textContent).toBe('Recording stopped: 3 records not stored');
    fireEvent.click(button);
    expect(sent.at(-1)).toEqual({ type: 'setRecording', tabId: 7, on: true });
  });
});
