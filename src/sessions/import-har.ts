// HAR import, streamed: the document is read by HarStream one entry member and one message
// at a time (see har-stream.ts), each turned into capture records (har-records.ts), put in
// time order and stored through the same frame builder as live traffic, so an imported HAR
// reads like a recording. Memory stays bounded whatever the file's size.
//
// Lenient by design: HAR files come from many tools (and Chrome itself writes messages of
// type "error"). An entry or message that cannot be read is skipped, an odd shape that can
// be read is kept, a bad time is normalised; each with a warning naming its entry and
// message index. The file is rejected only when no entry is usable.
//
// Time order: sockets of a HAR overlap in time but each is one entry, so records are merged
// in a window of ORDER_WINDOW records, sorted by time. Within the window (every file of up
// to that many messages) the order is exact; a record that arrives after later ones were
// stored is stored where it arrives, and counted in an `out-of-order` warning.
//
// An entry whose messages come before its `request` or `startedDateTime` (no known tool
// writes them so) has its messages held until those are read.

import type { CaptureRecord } from '../capture/records.ts';
import type { TextSource } from './byte-streams.ts';
import { redactPageUrl } from './export-redaction.ts';
import { buildFrames, ConnectionTable } from './frame-builder.ts';
import { isPublish, KNOWN_HAR_VERSIONS, messageTime, publishRecord, socketMessage, socketStart, type Place, type SocketReader } from './har-records.ts';
import { HarStream } from './har-stream.ts';
import { ImportError } from './import-error.ts';
import type { ImportContext, ImportResult } from './import-session.ts';
import { StagedSession } from './import-stage.ts';
import { Fields } from './import-validate.ts';
import type { NewSession } from './session-ops.ts';

/** Records held to be put in time order (about 5 MB of typical messages): every record held lives long enough to be promoted to the old heap, so a larger window raised the import's peak memory (65,536 records: +284 MB renderer RSS for 100k messages). */
export const ORDER_WINDOW = 8_192;
/** Characters of payload held in the window at most, whatever the record count. */
const ORDER_WINDOW_CHARS = 8 * 1024 * 1024;

const timeOf = (r: CaptureRecord): number => (r.kind === 'http' ? r.startedAt : r.t);
const byTime = (a: CaptureRecord, b: CaptureRecord): number => timeOf(a) - timeOf(b);

function charsOf(r: CaptureRecord): number {
  if (r.kind === 'ws-send' || r.kind === 'ws-receive') return r.size;
  if (r.kind === 'http') return r.requestBody.length + r.responseBody.length;
  return 0;
}

/** Session fields from the `log` members read so far (pages, browser, comment). */
function sessionInit(ctx: ImportContext, log: Record<string, unknown>, startedAt: number): NewSession {
  const L = Fields.of(log, 'log', '', ctx.limits.maxStringChars);
  const firstPage = (L.optList('pages') ?? []).length > 0 ? L.item('pages', 0) : undefined;
  const title = firstPage?.optStr('title') ?? '';
  // A HAR page's title is mostly its URL (Chrome's, ours), whose query may hold a key.
  const isUrl = /^https?:/.test(title);
  const pageTitle = isUrl && !ctx.options.keepSecrets ? redactPageUrl(ctx.options.redact, title) : title;
  return {
    // Our HAR export keeps the session name as log.comment.
    name: ctx.options.name ?? L.optStr('comment') ?? (pageTitle ? `HAR: ${pageTitle}` : 'Imported HAR'),
    pageUrl: isUrl ? pageTitle : '',
    pageTitle,
    browser: L.optObj('browser')?.optStr('name') ?? L.optObj('creator')?.optStr('name') ?? '',
    startedAt,
    keepSecrets: ctx.options.keepSecrets ?? false,
  };
}

/** Puts records in time order within the window and stores them; the session is staged on first use. */
class OrderedStore {
  private held: CaptureRecord[] = [];
  private heldChars = 0;
  private storedUpTo = Number.NEGATIVE_INFINITY;
  late = 0;
  staged: StagedSession | undefined;
  private conns: ConnectionTable | undefined;
  startedAt = Number.POSITIVE_INFINITY;
  endedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: ImportContext,
    private readonly init: () => NewSession,
  ) {}

  async add(r: CaptureRecord): Promise<void> {
    if (timeOf(r) < this.storedUpTo) this.late++;
    this.held.push(r);
    this.heldChars += charsOf(r);
    if (this.held.length >= (this.ctx.limits.orderWindow ?? ORDER_WINDOW) || this.heldChars > ORDER_WINDOW_CHARS) await this.flush(false);
  }

  /** Stores the earlier half of the window (all of it at the end). */
  async flush(all: boolean): Promise<void> {
    if (this.held.length === 0) return;
    // Stable: each socket keeps its own order.
    this.held.sort(byTime);
    const n = all ? this.held.length : this.held.length >> 1;
    const out = this.held.slice(0, n);
    this.held = this.held.slice(n);
    this.heldChars = this.held.reduce((sum, r) => sum + charsOf(r), 0);
    const { options } = this.ctx;
    if (!this.staged) {
      this.staged = await StagedSession.begin(this.ctx.db, this.init(), options.chunkLimits);
      this.conns = new ConnectionTable(this.staged.id);
    }
    const staged = this.staged;
    for (const raw of out) {
      const t = timeOf(raw);
      if (t > this.storedUpTo) this.storedUpTo = t;
      if (t < this.startedAt) this.startedAt = t;
      const stored = options.keepSecrets ? raw : options.redact(raw);
      for (const draft of buildFrames(stored, raw, this.conns as ConnectionTable, options.classify, 0)) {
        const writing = staged.add(draft);
        if (writing) await writing;
        if (draft.t > this.endedAt) this.endedAt = draft.t;
        if (staged.frames % 1000 === 0) {
          this.ctx.checkAbort();
          this.ctx.progress(staged.frames);
        }
      }
    }
  }

  connections() {
    return this.conns?.all() ?? [];
  }
}

interface EntryState {
  readonly at: Place;
  readonly fields: Record<string, unknown>;
  messages: boolean;
  socket?: SocketReader;
  /** Skipped or read in full. */
  done: boolean;
  /** Messages read before the entry could start (see the header). */
  pending: unknown[];
  pendingFrom: number;
}

export async function importHar(ctx: ImportContext, text: TextSource): Promise<ImportResult> {
  const { limits, warnings } = ctx;
  const max = limits.maxStringChars;
  const parser = new HarStream({ maxValueChars: limits.maxLineChars, maxDocChars: limits.maxHarChars });
  const log = Object.create(null) as Record<string, unknown>;
  const store: OrderedStore = new OrderedStore(ctx, (): NewSession => sessionInit(ctx, log, store.startedAt === Number.POSITIVE_INFINITY ? Date.now() : store.startedAt));
  let records: CaptureRecord[] = [];
  const emit = (r: CaptureRecord): void => void records.push(r);
  let sockets = 0;
  let publishes = 0;
  let skipped = 0;
  let sawVersion = false;
  let sawEntries = false;
  let entry: EntryState | undefined;

  const skip = (index: number, e: unknown): void => {
    if (!(e instanceof ImportError) || e.code !== 'invalid-field') throw e;
    skipped++;
    warnings.add('skipped', { entry: index }, `entry skipped: ${e.message}.`);
  };
  const fieldsOf = (st: EntryState): Fields => Fields.of(st.fields, `log.entries[${st.at.entry}]`, '', max);
  const firstTime = (values: readonly unknown[]): number | undefined => {
    for (const v of values) {
      const t = messageTime(v);
      if (t !== undefined) return t;
    }
    return undefined;
  };
  const startSocket = (st: EntryState, fallback: number | undefined): void => {
    try {
      st.socket = socketStart(fieldsOf(st), st.at, fallback, emit);
      sockets++;
      st.pending.forEach((m, k) => socketMessage(m, st.pendingFrom + k, st.socket as SocketReader, st.at, max, emit));
    } catch (e) {
      skip(st.at.entry, e);
      st.done = true;
    }
    st.pending = [];
  };
  const onMessage = (st: EntryState, j: number, value: unknown): void => {
    if (st.done) return;
    if (st.socket) return socketMessage(value, j, st.socket, st.at, max, emit);
    if (st.pending.length === 0) st.pendingFrom = j;
    st.pending.push(value);
    if (!('request' in st.fields) || !('startedDateTime' in st.fields)) return;
    const s = st.fields.startedDateTime;
    const dated = typeof s === 'string' && !Number.isNaN(Date.parse(s));
    const fallback = dated ? undefined : firstTime(st.pending);
    // Without a start of its own, the entry starts at its first message with a usable time.
    if (dated || fallback !== undefined) startSocket(st, fallback);
  };
  const onEntryEnd = (st: EntryState): void => {
    if (st.done) return;
    st.done = true;
    if (st.messages || st.fields._resourceType === 'websocket') {
      if (!st.socket) startSocket(st, firstTime(st.pending));
      return;
    }
    try {
      const e = fieldsOf(st);
      const request = e.obj('request');
      if (isPublish(request.str('method'), request.str('url'))) {
        emit(publishRecord(e, st.at));
        publishes++;
      }
    } catch (e) {
      skip(st.at.entry, e);
    }
  };
  const checkVersion = (version: unknown): void => {
    sawVersion = true;
    if (typeof version === 'string' && KNOWN_HAR_VERSIONS.includes(version)) return;
    const shown = typeof version === 'string' ? JSON.stringify(version.slice(0, 20)) : '(none)';
    warnings.add('unknown-version', {}, `HAR version ${shown} is not one this importer knows (1.1, 1.2); read as HAR 1.2.`);
  };

  try {
    for (;;) {
      const piece = await text.readChunk();
      const events = piece === undefined ? parser.end() : parser.push(piece);
      for (const ev of events) {
        switch (ev.kind) {
          case 'log':
            if (ev.key === 'entries') throw new ImportError('invalid-field', 'log.entries must be a list');
            // Null prototype: a "__proto__" member is an ordinary key here.
            log[ev.key] = ev.value;
            if (ev.key === 'version') checkVersion(ev.value);
            break;
          case 'bad-log':
            throw new ImportError('invalid-field', 'log must be an object');
          case 'entries':
            sawEntries = true;
            break;
          case 'entry':
            entry = { at: { warnings, entry: ev.entry }, fields: Object.create(null) as Record<string, unknown>, messages: false, done: false, pending: [], pendingFrom: 0 };
            break;
          case 'odd-entry':
            skip(ev.entry, new ImportError('invalid-field', `log.entries[${ev.entry}] must be an object`));
            break;
          case 'field':
            if (entry) entry.fields[ev.key] = ev.value;
            break;
          case 'messages':
            if (entry) entry.messages = true;
            break;
          case 'message':
            if (entry) onMessage(entry, ev.message, ev.value);
            break;
          case 'entry-end':
            if (entry) onEntryEnd(entry);
            entry = undefined;
            break;
          case 'end':
            if (!ev.log) throw new ImportError('unknown-format', 'This is neither an AppSync Events DevTools session nor a HAR file (no "log" object).');
            break;
        }
      }
      const ready = records;
      records = [];
      for (const r of ready) await store.add(r);
      if (piece === undefined) break;
      ctx.checkAbort();
    }
    if (!sawEntries) throw new ImportError('invalid-field', 'log.entries is missing (a list is required)');
    if (!sawVersion) checkVersion(undefined);
    if (sockets === 0 && publishes === 0) {
      if (skipped > 0) {
        const first = warnings.list().find((w) => w.code === 'skipped');
        throw new ImportError('invalid-field', `No entry of the HAR file could be read (${skipped} skipped; the first: ${first?.message ?? 'unknown'})`);
      }
      throw new ImportError('no-sockets', 'The HAR file has no WebSocket connections (entries with _webSocketMessages) and no AppSync publishes (POST …/event): nothing to import.');
    }
    await store.flush(true);
    if (store.late > 0) {
      warnings.add('out-of-order', {}, `${store.late.toLocaleString('en')} records were stored after later ones: the file's sockets overlap by more than the ${(limits.orderWindow ?? ORDER_WINDOW).toLocaleString('en')} messages an import holds to put them in time order.`);
    }
    const staged = store.staged;
    if (!staged) throw new ImportError('no-sockets', 'The HAR file has no messages or publishes to import.');
    const init = sessionInit(ctx, log, store.startedAt);
    const session = await staged.commit(store.connections(), { ...init, endedAt: Math.max(store.endedAt, store.startedAt) });
    ctx.progress(staged.frames);
    return { session, format: 'har', warnings: warnings.list(), warningCount: warnings.count };
  } catch (e) {
    await store.staged?.discard();
    throw e;
  }
}
