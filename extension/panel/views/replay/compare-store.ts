// State of the compare pane: two sessions (and what to take from each), the options, the
// result (hashes in typed arrays) and the frames behind the rows on screen, read on demand.
import { signal } from '@preact/signals';
import { buildReport, compareItems, itemOfFrame, rowAt, selectItems, type CompareResult, type ReplayWhat, type Row } from '../../../../src/replay/index.ts';
import { readFramePage, type SessionId, type SessionRecord, type SessionsDb } from '../../../../src/sessions/index.ts';

export interface CompareForm {
  readonly left: string;
  readonly leftWhat: ReplayWhat;
  readonly right: string;
  readonly rightWhat: ReplayWhat;
  /** Comma-separated JSON fields to ignore. */
  readonly ignoreFields: string;
  readonly ignoreChannel: boolean;
}

export const DEFAULT_COMPARE: CompareForm = { left: '', leftWhat: 'received', right: '', rightWhat: 'published', ignoreFields: '', ignoreChannel: true };

export interface Described {
  readonly channel?: string;
  readonly event?: string;
}

export const ROWS_PER_PAGE = 200;

export function fieldList(text: string): string[] {
  return text
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

/** Rows of a page: all rows, or only the differences. */
export function pageRows(result: CompareResult, page: number, diffOnly: boolean, perPage = ROWS_PER_PAGE): { rows: Row[]; pages: number } {
  if (!diffOnly) {
    const rows: Row[] = [];
    for (let i = page * perPage; i < Math.min(result.rows.length, (page + 1) * perPage); i++) rows.push(rowAt(result, i));
    return { rows, pages: Math.max(1, Math.ceil(result.rows.length / perPage)) };
  }
  const rows: Row[] = [];
  let seen = 0;
  for (let i = 0; i < result.rows.length; i++) {
    if (result.rows.status[i] === 0) continue;
    if (seen >= page * perPage && seen < (page + 1) * perPage) rows.push(rowAt(result, i));
    seen++;
  }
  return { rows, pages: Math.max(1, Math.ceil(seen / perPage)) };
}

export function createCompareStore(db: () => Promise<SessionsDb>, download: (blob: Blob, name: string) => void) {
  const form = signal<CompareForm>(DEFAULT_COMPARE);
  const status = signal<'idle' | 'running' | 'done' | 'error'>('idle');
  const error = signal<string | null>(null);
  const result = signal<CompareResult | null>(null);
  const page = signal(0);
  const diffOnly = signal(false);
  /** Bumped when described frames arrive, so rows re-render. */
  const described = signal(0);
  let cache = new Map<string, Described>();
  let compared: { left: SessionRecord; right: SessionRecord; form: CompareForm } | null = null;

  async function describe(side: 'left' | 'right', pos: number, index: number): Promise<Described | undefined> {
    if (!compared) return undefined;
    const key = `${side}:${pos}:${index}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const s = side === 'left' ? compared.left : compared.right;
    const [frame] = await readFramePage(await db(), s.id, { offset: pos, limit: 1 });
    const item = frame ? itemOfFrame(frame, 'both') : undefined;
    const d: Described = item ? { channel: item.channel, ...(item.events[index] !== undefined ? { event: item.events[index] } : {}) } : {};
    cache.set(key, d);
    return d;
  }

  return {
    form,
    status,
    error,
    result,
    page,
    diffOnly,
    described,
    update(change: Partial<CompareForm>) {
      form.value = { ...form.value, ...change };
    },
    async run(sessions: readonly SessionRecord[]): Promise<void> {
      const f = form.value;
      const left = sessions.find((s) => s.id === f.left);
      const right = sessions.find((s) => s.id === f.right);
      if (!left || !right) {
        error.value = 'Pick two sessions to compare.';
        status.value = 'error';
        return;
      }
      status.value = 'running';
      error.value = null;
      try {
        const d = await db();
        const r = await compareItems(selectItems(d, left.id as SessionId, { what: f.leftWhat }), selectItems(d, right.id as SessionId, { what: f.rightWhat }), {
          ignoreFields: fieldList(f.ignoreFields),
          ignoreChannel: f.ignoreChannel,
        });
        cache = new Map();
        compared = { left, right, form: f };
        result.value = r;
        page.value = 0;
        status.value = 'done';
      } catch (e) {
        error.value = `The compare failed: ${e instanceof Error ? e.message : String(e)}`;
        status.value = 'error';
      }
    },
    /** Reads the frames of the given rows (the visible page) into the cache. */
    async load(rows: readonly Row[]): Promise<void> {
      for (const row of rows) {
        const r = result.value;
        if (!r) return;
        if (row.left !== undefined) await describe('left', r.left.pos[row.left]!, r.left.index[row.left]!);
        if (row.right !== undefined) await describe('right', r.right.pos[row.right]!, r.right.index[row.right]!);
      }
      described.value++;
    },
    cached(side: 'left' | 'right', pos: number, index: number): Described | undefined {
      return cache.get(`${side}:${pos}:${index}`);
    },
    async exportReport(): Promise<void> {
      const r = result.value;
      if (!r || !compared) return;
      const c = compared;
      const report = await buildReport(
        r,
        { left: { sessionId: c.left.id, name: c.left.name, what: c.form.leftWhat }, right: { sessionId: c.right.id, name: c.right.name, what: c.form.rightWhat } },
        { ignoreFields: fieldList(c.form.ignoreFields), ignoreChannel: c.form.ignoreChannel },
        describe,
      );
      download(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }), `compare-${c.left.name}-vs-${c.right.name}.json`.replace(/[^\w.-]+/g, '_'));
    },
  };
}

export type CompareStore = ReturnType<typeof createCompareStore>;
