// Events/s over time: a uPlot chart that follows the theme and the pane's width. uPlot draws
// on a canvas; where none can be had (a DOM without 2D canvas), the pane's numbers stand alone.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { readColours, type ChartColours } from './stats-model.ts';

interface Props {
  readonly data: [number[], number[], number[], number[]];
}

const HEIGHT = 160;

function canDraw(): boolean {
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

function options(width: number, c: ChartColours): uPlot.Options {
  const axis = { stroke: c.muted, grid: { stroke: c.line, width: 1 }, ticks: { stroke: c.line, width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [axis, { ...axis, label: 'per second', labelSize: 18, stroke: c.muted }],
    series: [
      {},
      { label: 'data events/s', stroke: c.accent, width: 1.5, points: { show: false } },
      { label: 'frames/s', stroke: c.muted, width: 1, dash: [4, 3], points: { show: false } },
      { label: 'errors/s', stroke: c.err, width: 1.5, points: { show: false } },
    ],
  };
}

export function StatsChart({ data }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  const [failed, setFailed] = useState(false);
  // The theme is a data attribute set by theme.ts, or the OS scheme: rebuild on either, so
  // the canvas picks up the new colours (uPlot does not read CSS variables itself).
  const [theme, setTheme] = useState(0);

  useEffect(() => {
    const bump = (): void => setTheme((n) => n + 1);
    const attr = new MutationObserver(bump);
    attr.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    mq?.addEventListener?.('change', bump);
    return () => {
      attr.disconnect();
      mq?.removeEventListener?.('change', bump);
    };
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    if (!canDraw()) {
      setFailed(true);
      return;
    }
    let u: uPlot;
    try {
      u = new uPlot(options(Math.max(200, el.clientWidth), readColours(el)), latest.current, el);
    } catch {
      setFailed(true);
      return;
    }
    plot.current = u;
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT })) : null;
    resize?.observe(el);
    return () => {
      resize?.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [theme]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <div class="stats-chart" data-testid="stats-chart">
      <div ref={box} role="img" aria-label="Data events, frames and errors per second over the session" />
      {failed && <p class="info">The chart needs a 2D canvas, which this page cannot get; the counts below are complete.</p>}
    </div>
  );
}
