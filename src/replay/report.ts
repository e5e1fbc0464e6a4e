// The exportable compare report (JSON): counts, options, and the differences with the
// channel and payload of each event, up to a limit (the counts always cover everything).

import { rowAt, type CompareOptions, type CompareResult, type RowStatus } from './compare.ts';

export const REPORT_FORMAT = 'appsync-events-devtools-compare';
export const REPORT_VERSION = 1;

export interface SideInfo {
  readonly sessionId: string;
  readonly name: string;
  readonly what: string;
}

export interface EventRef {
  readonly pos: number;
  /** Index of the event within its frame (publishes carry up to five). */
  readonly index: number;
  readonly channel?: string;
  readonly event?: string;
}

export interface Difference {
  readonly status: Exclude<RowStatus, 'matched'>;
  readonly left?: EventRef;
  readonly right?: EventRef;
}

export interface CompareReport {
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly createdAt: string;
  readonly left: SideInfo;
  readonly right: SideInfo;
  readonly options: { readonly ignoreFields: readonly string[]; readonly ignoreChannel: boolean };
  readonly counts: CompareResult['counts'];
  readonly identical: boolean;
  readonly differences: readonly Difference[];
  /** Differences left out of the list beyond the limit. */
  readonly omitted: number;
}

/** Channel and event text of a side's event, read back from its session. */
export type Describe = (side: 'left' | 'right', pos: number, index: number) => Promise<{ channel?: string; event?: string } | undefined>;

export async function buildReport(
  result: CompareResult,
  sides: { readonly left: SideInfo; readonly right: SideInfo },
  options: Pick<CompareOptions, 'ignoreFields' | 'ignoreChannel'>,
  describe?: Describe,
  limit = 10_000,
  now: Date = new Date(),
): Promise<CompareReport> {
  const differences: Difference[] = [];
  let omitted = 0;
  const ref = async (side: 'left' | 'right', i: number): Promise<EventRef> => {
    const events = result[side];
    const pos = events.pos[i]!;
    const index = events.index[i]!;
    const d = describe ? await describe(side, pos, index) : undefined;
    return { pos, index, ...(d?.channel !== undefined ? { channel: d.channel } : {}), ...(d?.event !== undefined ? { event: d.event } : {}) };
  };
  for (let i = 0; i < result.rows.length; i++) {
    const row = rowAt(result, i);
    if (row.status === 'matched') continue;
    if (differences.length >= limit) {
      omitted++;
      continue;
    }
    differences.push({
      status: row.status,
      ...(row.left !== undefined ? { left: await ref('left', row.left) } : {}),
      ...(row.right !== undefined ? { right: await ref('right', row.right) } : {}),
    });
  }
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    createdAt: now.toISOString(),
    left: sides.left,
    right: sides.right,
    options: { ignoreFields: [...(options.ignoreFields ?? [])], ignoreChannel: options.ignoreChannel ?? false },
    counts: result.counts,
    identical: result.identical,
    differences,
    omitted,
  };
}
