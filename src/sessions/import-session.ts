// Import: our JSON Lines format (plain or gzip, found by magic bytes) streamed line by line,
// or a HAR file (see import-har.ts). Every problem rejects with an ImportError naming it,
// and nothing already stored is touched (see import-stage.ts).

import { countBytes, maybeGunzip, TextSource, toByteStream, type ImportInput } from './byte-streams.ts';
import type { ChunkLimits } from './chunk-builder.ts';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export-session.ts';
import { ImportError } from './import-error.ts';
import { importHar } from './import-har.ts';
import { StagedSession } from './import-stage.ts';
import { Fields, readConnection, readFrame } from './import-validate.ts';
import { ImportWarnings, normaliseTime, type ImportWarning } from './import-warnings.ts';
import type { SessionsDb } from './schema.ts';
import { SESSION_SOURCES, type Classify, type ConnectionRecord, type Redact, type SessionRecord, type SessionSource } from './types.ts';

export interface ImportLimits {
  /** Longest line of our format, in characters. */
  readonly maxLineChars: number;
  /** Longest single string value (payload, header, …). */
  readonly maxStringChars: number;
  /** Largest HAR document, in characters (read as a stream: no limit by default). */
  readonly maxHarChars: number;
  /** Records a HAR import holds to put overlapping sockets in time order (default ORDER_WINDOW). */
  readonly orderWindow?: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxLineChars: 32 * 1024 * 1024,
  maxStringChars: 16 * 1024 * 1024,
  maxHarChars: Number.POSITIVE_INFINITY,
};

export interface ImportProgress {
  readonly bytesRead: number;
  /** Known for Blob, Uint8Array and string input. */
  readonly totalBytes?: number;
  readonly frames: number;
}

export interface ImportOptions {
  /** Classifies frames of HAR imports (our format carries its labels). */
  readonly classify: Classify;
  /** Redacts HAR imports unless keepSecrets (our format is stored as it was exported). */
  readonly redact: Redact;
  readonly keepSecrets?: boolean;
  /** Overrides the session name from the file. */
  readonly name?: string;
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly signal?: AbortSignal;
  readonly limits?: Partial<ImportLimits>;
  readonly chunkLimits?: ChunkLimits;
}

export interface ImportResult {
  readonly session: SessionRecord;
  readonly format: 'session' | 'har';
  /** What was skipped or altered, with its place in the file (at most MAX_IMPORT_WARNINGS). */
  readonly warnings: readonly ImportWarning[];
  /** All warnings, including those past the list's limit. */
  readonly warningCount: number;
}

export interface ImportContext {
  readonly db: SessionsDb;
  readonly options: ImportOptions;
  readonly limits: ImportLimits;
  readonly progress: (frames: number) => void;
  readonly checkAbort: () => void;
  readonly warnings: ImportWarnings;
}

function parseLine(line: string, lineNo: number, isLast: boolean): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (e) {
    if (isLast) throw new ImportError('truncated', `line ${lineNo}: the file is cut short (the last line is incomplete JSON).`);
    throw new ImportError('not-json', `line ${lineNo}: not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/** How our format's header starts; whitespace allowed, so a pretty-printed header matches too. */
const FORMAT_START = /^\s*\{\s*"format"\s*:/;

/** The text of the first JSON object of `doc` (a pretty-printed header), or undefined if it never closes. */
function firstObject(doc: string): string | undefined {
  let depth = 0;
  let inString = false;
  const start = doc.indexOf('{');
  for (let i = start; i < doc.length; i++) {
    const c = doc[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return doc.slice(start, i + 1);
  }
  return undefined;
}

/**
 * A session file whose records were pretty-printed (the header spans lines). Its header is
 * read, so that a version or format problem is named exactly as for the file itself; if
 * the header is fine, the layout is what is wrong. Always throws.
 */
function prettyPrintedSession(doc: string, maxString: number): never {
  const head = firstObject(doc);
  if (head === undefined) throw new ImportError('truncated', 'line 1: the file is cut short (its header never ends).');
  readHeader(parseLine(head, 1, false), maxString);
  throw new ImportError(
    'unknown-format',
    'This session file was reformatted (pretty-printed): the format has one JSON record per line. Import the file as it was exported, or put each record back on one line.',
  );
}

function readHeader(value: unknown, maxString: number): { init: Fields; frames: number; redacted: boolean } {
  const h = Fields.of(value, 'header', 'line 1: ', maxString);
  if (h.str('format') !== EXPORT_FORMAT) {
    throw new ImportError('unknown-format', `line 1: format must be "${EXPORT_FORMAT}"; this is not a session file.`);
  }
  const version = h.num('version');
  if (!Number.isInteger(version) || version < 1 || version > EXPORT_VERSION) {
    throw new ImportError(
      'unsupported-version',
      version > EXPORT_VERSION
        ? `line 1: the file is format version ${version}, written by a newer version of the extension; this one reads version ${EXPORT_VERSION}. Update the extension to import it.`
        : `line 1: format version ${version} does not exist (expected ${EXPORT_VERSION}).`,
    );
  }
  const counts = h.obj('counts');
  counts.int('connections');
  return { init: h.obj('session'), frames: counts.int('frames'), redacted: h.bool('redacted') };
}

/** Enough of the file's start to tell the formats apart; left unread. Undefined when empty. */
async function peekHead(text: TextSource): Promise<string | undefined> {
  let head = '';
  while (head.length < 4096) {
    const piece = await text.readChunk();
    if (piece === undefined) break;
    head += piece;
  }
  text.unread(head);
  return head.trim() === '' && head.length < 4096 ? undefined : head;
}

/** The header spans lines: reads it (up to the line limit) to name the problem. Always throws. */
async function prettyPrintedHeader(text: TextSource, first: string, limits: ImportLimits): Promise<never> {
  let doc = first + '\n';
  while (firstObject(doc) === undefined && doc.length <= limits.maxLineChars) {
    const piece = await text.readChunk();
    if (piece === undefined) break;
    doc += piece;
  }
  prettyPrintedSession(doc, limits.maxStringChars);
}

async function importJsonLines(ctx: ImportContext, text: TextSource, firstLine: string): Promise<ImportResult> {
  const { limits } = ctx;
  // Read ahead so that a file cut inside its only line is named as cut short.
  let line = await text.readLine(limits.maxLineChars);
  const header = readHeader(parseLine(firstLine, 1, line === undefined), limits.maxStringChars);
  const s = header.init;
  const init = {
    name: ctx.options.name ?? s.str('name'),
    pageUrl: s.str('pageUrl'),
    pageTitle: s.str('pageTitle'),
    browser: s.str('browser'),
    startedAt: s.num('startedAt'),
    tags: s.strList('tags'),
    pinned: s.bool('pinned'),
    // A file exported with its secrets keeps warning on re-export.
    keepSecrets: s.bool('keepSecrets') && !header.redacted,
  };
  const endedAt = s.optNum('endedAt');
  const source = s.oneOf<SessionSource>('source', SESSION_SOURCES);
  const staged = await StagedSession.begin(ctx.db, { ...init, source: source === 'replay' || source === 'console' ? source : 'imported' }, ctx.options.chunkLimits);
  try {
    const connections: ConnectionRecord[] = [];
    const connIds = new Set<string>();
    let ended = false;
    let lastT = init.startedAt;
    while (line !== undefined) {
      const lineNo = text.lineNo;
      const next = text.readBufferedLine(limits.maxLineChars) ?? (await text.readLine(limits.maxLineChars));
      if (line.trim() === '') {
        line = next;
        continue;
      }
      if (ended) throw new ImportError('invalid-field', `line ${lineNo}: content after the end marker.`);
      const where = `line ${lineNo}: `;
      const rec = Fields.of(parseLine(line, lineNo, next === undefined), '', where, limits.maxStringChars);
      if (rec.has('frame')) {
        let frame = readFrame(rec.obj('frame'), staged.frames, connIds);
        // Any time JSON can write is read, but one outside the Date range would make the
        // session's own HAR export fail: replaced, with a warning.
        const checked = normaliseTime(frame.t, 'ms', lastT);
        if ('warning' in checked) {
          ctx.warnings.add('time', { line: lineNo }, `frame ${frame.pos}: ${checked.warning}.`);
          if (checked.ms !== frame.t) frame = { ...frame, t: checked.ms };
        }
        lastT = frame.t;
        const writing = staged.add(frame);
        if (writing) await writing;
        if (staged.frames % 1000 === 0) {
          ctx.checkAbort();
          ctx.progress(staged.frames);
        }
      } else if (rec.has('connection')) {
        if (staged.frames > 0) throw new ImportError('invalid-field', `${where}connections must come before frames.`);
        const c = readConnection(rec.obj('connection'), staged.id);
        if (connIds.has(c.connId)) rec.fail('connection.connId', 'is declared twice');
        connIds.add(c.connId);
        connections.push(c);
      } else if (rec.has('end')) {
        const frames = rec.obj('end').int('frames');
        if (frames !== staged.frames || frames !== header.frames) {
          throw new ImportError('truncated', `${where}the end marker says ${frames} frames (header: ${header.frames}) but the file holds ${staged.frames}.`);
        }
        ended = true;
      } else {
        throw new ImportError('invalid-field', `${where}expected a "connection", "frame" or "end" record.`);
      }
      line = next;
    }
    if (!ended) {
      throw new ImportError('truncated', `The file ends after line ${text.lineNo} without its end marker: it was cut short (${staged.frames} of ${header.frames} frames).`);
    }
    const session = await staged.commit(connections, endedAt !== undefined ? { endedAt } : {});
    ctx.progress(staged.frames);
    return { session, format: 'session', warnings: ctx.warnings.list(), warningCount: ctx.warnings.count };
  } catch (e) {
    await staged.discard();
    throw e;
  }
}

export async function importSession(db: SessionsDb, input: ImportInput, options: ImportOptions): Promise<ImportResult> {
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const { stream, size } = toByteStream(input);
  let bytesRead = 0;
  const counted = countBytes(stream, (n) => (bytesRead = n));
  const ctx: ImportContext = {
    db,
    options,
    limits,
    progress: (frames) => options.onProgress?.({ bytesRead, ...(size !== undefined ? { totalBytes: size } : {}), frames }),
    checkAbort: () => {
      if (options.signal?.aborted) throw new ImportError('aborted', 'The import was cancelled.', options.signal.reason);
    },
    warnings: new ImportWarnings(),
  };
  ctx.checkAbort();
  const text = new TextSource(await maybeGunzip(counted));
  try {
    const head = await peekHead(text);
    if (head === undefined) throw new ImportError('empty', 'The file is empty.');
    // Our format's first line is a complete JSON object that starts by naming the format;
    // a HAR is one (usually pretty-printed) JSON document, read as a stream.
    if (FORMAT_START.test(head)) {
      const first = (await text.readLine(limits.maxLineChars)) as string;
      if (!FORMAT_START.test(first)) await prettyPrintedHeader(text, first, limits);
      return await importJsonLines(ctx, text, first);
    }
    return await importHar(ctx, text);
  } finally {
    await text.cancel();
  }
}
