// What the Stats pane shows, derived from the traffic model's StatsView: pure, so the
// numbers are tested without a DOM or a canvas.
import type { StatsView } from '../../../../src/traffic/index.ts';
import { formatBytes } from './row-format.ts';

/** Channels listed by name; the rest are summed into one line. */
export const TOP_CHANNELS = 10;

export interface CountRow {
  readonly label: string;
  readonly count: number;
  /** Share of the frames, 0–1 (bar width). */
  readonly share: number;
}

export interface StatsSummary {
  readonly frames: number;
  readonly bytesIn: string;
  readonly bytesOut: string;
  readonly errors: number;
  readonly findings: { readonly error: number; readonly warning: number; readonly info: number };
  readonly channels: readonly CountRow[];
  /** Frames on channels past the top ones (including those past the model's own cap). */
  readonly otherChannels: number;
  readonly types: readonly CountRow[];
  /** Seconds covered by the series, and its peak events/s. */
  readonly spanS: number;
  readonly peakEventsPerS: number;
  /** The series has at least two buckets (one point draws no line). */
  readonly chartable: boolean;
}

function rows(entries: readonly (readonly [string, number])[], total: number): CountRow[] {
  return entries.map(([label, count]) => ({ label, count, share: total > 0 ? count / total : 0 }));
}

export function summarizeStats(s: StatsView, topChannels = TOP_CHANNELS): StatsSummary {
  const top = s.byChannel.slice(0, topChannels);
  const onChannels = s.byChannel.reduce((n, c) => n + c.count, 0) + (s.overflow['channels'] ?? 0);
  const shown = top.reduce((n, c) => n + c.count, 0);
  const types = Object.entries(s.byType).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const events = s.series.events;
  let peak = 0;
  for (const v of events) if (v > peak) peak = v;
  return {
    frames: s.frames,
    bytesIn: formatBytes(s.bytesIn),
    bytesOut: formatBytes(s.bytesOut),
    errors: s.errors,
    findings: { error: s.findings.error ?? 0, warning: s.findings.warning ?? 0, info: s.findings.info ?? 0 },
    channels: rows(top.map((c) => [c.channel, c.count] as const), s.frames),
    otherChannels: Math.max(0, onChannels - shown),
    types: rows(types, s.frames),
    spanS: (s.series.x.length * s.series.bucketMs) / 1000,
    peakEventsPerS: peak,
    chartable: s.series.x.length >= 2,
  };
}

/** uPlot's columnar data: x (s), data events/s, all frames/s, errors/s. */
export function chartData(s: StatsView): [number[], number[], number[], number[]] {
  const se = s.series;
  return [se.x.slice(), se.events.slice(), se.frames.slice(), se.errors.slice()];
}

/** Colours for the chart from the panel's CSS variables, so the chart follows the theme. */
export interface ChartColours {
  readonly fg: string;
  readonly muted: string;
  readonly line: string;
  readonly accent: string;
  readonly err: string;
}

export function readColours(el: Element): ChartColours {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return { fg: v('--fg', '#1f1f1f'), muted: v('--muted', '#5f6368'), line: v('--line', '#dadce0'), accent: v('--accent', '#1a73e8'), err: v('--err', '#c5221f') };
}
