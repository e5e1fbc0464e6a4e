// Counts and the events/s time series. Every map keyed by page data is capped (LIMITS), the
// rest folded into "(other)" and counted in `overflow`, so a hostile page cannot grow it.

import { bump, LIMITS, type State } from './state.ts';
import type { ChannelNode, SeriesView, StatsView } from './types.ts';

const OTHER = '(other)';

export function countType(s: State, type: string): void {
  if (!s.byType.has(type) && s.byType.size >= LIMITS.types) {
    bump(s.overflow, 'types');
    type = OTHER;
  }
  bump(s.byType, type);
}

/** Interned channel index, or -1 past the cap (counted in overflow). */
export function channelIndex(s: State, channel: string): number {
  let i = s.channelIndex.get(channel);
  if (i === undefined) {
    if (s.channels.length >= LIMITS.channels) {
      bump(s.overflow, 'channels');
      return -1;
    }
    i = s.channels.length;
    s.channels.push(channel);
    s.channelCount.push(0);
    s.channelIndex.set(channel, i);
  }
  return i;
}

export function countChannel(s: State, channel: string): number {
  const i = channelIndex(s, channel);
  if (i >= 0) s.channelCount[i] = (s.channelCount[i] ?? 0) + 1;
  return i;
}

/**
 * Fixed buckets from the first frame. When a session outgrows LIMITS.buckets, neighbours are
 * merged and the width doubles, so the chart always has at most that many points.
 */
export function countSeries(s: State, t: number, isEvent: boolean, isError: boolean): void {
  const se = s.series;
  if (se.frames.length === 0 && se.startMs === 0) se.startMs = Math.floor(t / 1000) * 1000;
  let b = Math.floor((t - se.startMs) / se.bucketMs);
  if (b < 0) b = 0; // clocks can step back; such frames count in the first bucket
  while (b >= LIMITS.buckets) {
    for (const key of ['events', 'frames', 'errors'] as const) {
      const old = se[key];
      const merged: number[] = [];
      for (let i = 0; i < old.length; i += 2) merged.push((old[i] ?? 0) + (old[i + 1] ?? 0));
      se[key] = merged;
    }
    se.bucketMs *= 2;
    b = Math.floor((t - se.startMs) / se.bucketMs);
  }
  while (se.frames.length <= b) {
    se.frames.push(0);
    se.events.push(0);
    se.errors.push(0);
  }
  se.frames[b] = (se.frames[b] ?? 0) + 1;
  if (isEvent) se.events[b] = (se.events[b] ?? 0) + 1;
  if (isError) se.errors[b] = (se.errors[b] ?? 0) + 1;
}

export function seriesView(s: State): SeriesView {
  const se = s.series;
  const perSec = 1000 / se.bucketMs;
  return Object.freeze({
    bucketMs: se.bucketMs,
    x: Object.freeze(se.frames.map((_, i) => (se.startMs + i * se.bucketMs) / 1000)),
    events: Object.freeze(se.events.map((n) => n * perSec)),
    frames: Object.freeze(se.frames.map((n) => n * perSec)),
    errors: Object.freeze(se.errors.map((n) => n * perSec)),
  });
}

export function statsView(s: State): StatsView {
  const byChannel = s.channels
    .map((channel, i) => ({ channel, count: s.channelCount[i] ?? 0 }))
    .sort((a, b) => b.count - a.count || (a.channel < b.channel ? -1 : 1))
    .slice(0, 200);
  return Object.freeze({
    frames: s.nextPos - s.missing,
    byType: Object.freeze(Object.fromEntries(s.byType)),
    byDirection: Object.freeze(Object.fromEntries(s.byDir)),
    byChannel: Object.freeze(byChannel.map((c) => Object.freeze(c))),
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    errors: s.errors,
    findings: Object.freeze({ ...s.bySeverity }),
    findingsByCode: Object.freeze(Object.fromEntries(s.byCode)),
    ...(s.firstAt !== undefined ? { firstAt: s.firstAt } : {}),
    ...(s.lastAt !== undefined ? { lastAt: s.lastAt } : {}),
    series: seriesView(s),
    duplicates: s.duplicates,
    missing: s.missing,
    overflow: Object.freeze(Object.fromEntries(s.overflow)),
  });
}

interface Node {
  name: string;
  path: string;
  own: number;
  total: number;
  children: Map<string, Node>;
}

/** Namespaces → segments. A wildcard subscription's `*` is a child of its prefix. */
export function channelTree(s: State): ChannelNode[] {
  const root = new Map<string, Node>();
  s.channels.forEach((channel, i) => {
    const count = s.channelCount[i] ?? 0;
    if (count === 0) return;
    const parts = channel.split('/').filter((p) => p !== '');
    if (parts.length === 0) parts.push('/');
    let level = root;
    let path = '';
    parts.forEach((name, depth) => {
      path += '/' + name;
      let n = level.get(name);
      if (!n) {
        n = { name, path, own: 0, total: 0, children: new Map() };
        level.set(name, n);
      }
      n.total += count;
      if (depth === parts.length - 1) n.own += count;
      level = n.children;
    });
  });
  // Iterative freeze (depth is at most a few segments for valid channels, but channels are
  // page data and may have thousands of slashes).
  const out: ChannelNode[] = [];
  const stack: { from: Map<string, Node>; into: ChannelNode[] }[] = [{ from: root, into: out }];
  const finish: (() => void)[] = [];
  while (stack.length > 0) {
    const { from, into } = stack.pop()!;
    const sorted = [...from.values()].sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
    for (const n of sorted) {
      const children: ChannelNode[] = [];
      const node: ChannelNode = { name: n.name, path: n.path, own: n.own, total: n.total, children };
      into.push(node);
      stack.push({ from: n.children, into: children });
      finish.push(() => {
        Object.freeze(children);
        Object.freeze(node);
      });
    }
  }
  for (const f of finish) f();
  return Object.freeze(out) as ChannelNode[];
}
