// What the toolbar says about Record/Stop: since when recording is stopped, or for which
// span it was, and how many records that left out, so a hole in the table is explained.

import type { CaptureStatus } from '../../../../src/messaging/contracts.ts';
import { formatClock } from './row-format.ts';

/** `hh:mm:ss`: a stop is a human action, milliseconds would only be noise. */
const clock = (t: number): string => formatClock(t).slice(0, 8);

const records = (n: number): string => `${n.toLocaleString()} record${n === 1 ? '' : 's'}`;

export const STOPPED_TITLE =
  'Frames of this span are not in the session. Connections opened or closed meanwhile are still listed, with their URL and auth mode, so later frames belong to them.';

/** The toolbar's line about stopped recording, or null when there is nothing to say. */
export function stoppedLine(status: CaptureStatus | null): string | null {
  if (!status) return null;
  const spans = status.stoppedSpans ?? [];
  const discarded = status.discarded ?? 0;
  const last = spans.at(-1);
  if (status.paused) {
    const since = last && last.to === null ? ` since ${clock(last.from)}` : '';
    return `Recording stopped${since}${discarded > 0 ? `: ${records(discarded)} not stored` : ''}`;
  }
  if (!last || last.to === null) return discarded > 0 ? `${records(discarded)} not stored while recording was stopped` : null;
  const span = `${clock(last.from)}–${clock(last.to)}`;
  const more = spans.length > 1 ? ` (${spans.length} stops, ${records(discarded)} in all)` : '';
  return `Recording was stopped ${span}: ${records(last.discarded)} not stored${more}`;
}
