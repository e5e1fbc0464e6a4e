// Incremental reader of a HAR document, fed decoded text in chunks. A HAR is one JSON
// document, and Chrome puts every message of a socket into one entry: parsing it whole took
// the file three times over in memory (text, tree, records). This reader keeps only the
// value being read: it walks the structure down to `log.entries[i]._webSocketMessages[j]`
// and hands out each member of `log`, each member of an entry and each message as soon as
// it is complete, parsed by JSON.parse. Everything else at the top level is skipped unread.
//
// Only captured values are validated (by JSON.parse); skipped ones are checked for
// structure only, which is all a lenient reader needs.

import { ImportError } from './import-error.ts';

export type HarEvent =
  | { readonly kind: 'log'; readonly key: string; readonly value: unknown }
  /** `log` is there but is not an object. */
  | { readonly kind: 'bad-log'; readonly value: unknown }
  /** `log.entries` is a list; its entries follow. */
  | { readonly kind: 'entries' }
  | { readonly kind: 'entry'; readonly entry: number }
  /** An element of `entries` that is not an object. */
  | { readonly kind: 'odd-entry'; readonly entry: number; readonly value: unknown }
  | { readonly kind: 'field'; readonly entry: number; readonly key: string; readonly value: unknown }
  /** The entry has a `_webSocketMessages` list; its messages follow. */
  | { readonly kind: 'messages'; readonly entry: number }
  | { readonly kind: 'message'; readonly entry: number; readonly message: number; readonly value: unknown }
  | { readonly kind: 'entry-end'; readonly entry: number }
  /** The document ended; `log` says whether it had a `log` member. */
  | { readonly kind: 'end'; readonly log: boolean };

export interface HarStreamLimits {
  /** Longest single value handed out (an entry member or a message), in characters. */
  readonly maxValueChars: number;
  /** Longest document, in characters. */
  readonly maxDocChars: number;
}

type Role = 'doc' | 'root' | 'log' | 'entries' | 'entry' | 'messages';

const enum St {
  Value,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  ValueOrEnd,
  Done,
}

interface Frame {
  readonly role: Role;
  readonly obj: boolean;
  state: St;
  key: string;
  index: number;
  /** For an entry: its index in `entries`. */
  readonly entry: number;
}

/** Where a captured value goes when complete. */
type Sink = (text: string) => void;

interface Capture {
  readonly sink: Sink | null; // null: skipped, not kept
  readonly scalar: boolean;
  parts: string[];
  length: number;
  depth: number;
  inString: boolean;
  escape: boolean;
}

const STRING_STOP = /["\\]/g;
const STRUCT_STOP = /["{}[\]]/g;
const SCALAR_START = /[-0-9tfn]/;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isScalarEnd(c: number): boolean {
  return c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c);
}

export class HarStream {
  private readonly stack: Frame[] = [{ role: 'doc', obj: false, state: St.Value, key: '', index: 0, entry: -1 }];
  private capture: Capture | null = null;
  private out: HarEvent[] = [];
  private consumed = 0;
  private sawLog = false;

  constructor(private readonly limits: HarStreamLimits) {}

  private top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  private notJson(what: string, at: number): never {
    throw new ImportError('not-json', `The file is not JSON (${what} at character ${this.consumed + at + 1}).`);
  }

  private parse(text: string, what: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new ImportError('not-json', `The file is not JSON: ${what} (${e instanceof Error ? e.message : String(e)}).`, e);
    }
  }

  /** Feeds the next piece of text; returns the events it completed. */
  push(s: string): HarEvent[] {
    this.out = [];
    this.stashed = false;
    let i = 0;
    const n = s.length;
    if (this.consumed + n > this.limits.maxDocChars) {
      throw new ImportError('too-large', `The file is larger than the limit of ${this.limits.maxDocChars} characters.`);
    }
    while (i < n) {
      if (this.capture) {
        i = this.captureFrom(s, i);
        continue;
      }
      const c = s.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      const f = this.top();
      switch (f.state) {
        case St.Done:
          this.notJson('content after the end of the document', i);
        // falls through (notJson never returns)
        case St.KeyOrEnd:
        case St.Key:
          if (c === 0x7d && f.state === St.KeyOrEnd) {
            i++;
            this.close();
          } else if (c === 0x22) {
            i = this.begin(s, i, (text) => {
              f.key = this.parse(text, 'a key') as string;
              f.state = St.Colon;
            });
          } else this.notJson('expected a key', i);
          break;
        case St.Colon:
          if (c !== 0x3a) this.notJson('expected ":"', i);
          f.state = St.Value;
          i++;
          break;
        case St.CommaOrEnd:
          if (c === 0x2c) f.state = f.obj ? St.Key : St.Value;
          else if (c === (f.obj ? 0x7d : 0x5d)) this.close();
          else this.notJson(`expected "," or "${f.obj ? '}' : ']'}"`, i);
          i++;
          break;
        case St.ValueOrEnd:
          if (c === 0x5d) {
            i++;
            this.close();
            break;
          }
          f.state = St.Value;
          i = this.value(s, i, f);
          break;
        case St.Value:
          i = this.value(s, i, f);
          break;
      }
    }
    // A value that began in the last characters of the chunk has not been scanned yet.
    if (this.capture && !this.stashed) this.stash(s, this.captureStart);
    this.consumed += n;
    return this.out;
  }

  /** The end of the text: returns the last events, or throws when the document is incomplete. */
  end(): HarEvent[] {
    this.out = [];
    const cap = this.capture;
    if (cap && cap.scalar && this.stack.length === 1) this.finish('');
    if (this.capture || this.top().state !== St.Done) {
      if (!this.capture && this.stack.length === 1) throw new ImportError('empty', 'The file is empty.');
      throw new ImportError('truncated', 'The file is cut short: its JSON ends before the document does.');
    }
    this.out.push({ kind: 'end', log: this.sawLog });
    return this.out;
  }

  /** Start (in the current chunk) of the value being captured; 0 once it spans chunks. */
  private captureStart = -1;

  private keepPart(part: string): void {
    const cap = this.capture as Capture;
    cap.length += part.length;
    if (cap.length > this.limits.maxValueChars) {
      throw new ImportError('too-large', `A value in the file is longer than the limit of ${this.limits.maxValueChars} characters.`);
    }
    cap.parts.push(part);
  }

  /** A value begins at s[i] in frame f: descends into the containers we read, captures the rest. */
  private value(s: string, i: number, f: Frame): number {
    const c = s[i] as string;
    const done = (): void => this.after(f);
    const open = (role: Role, entry = f.entry): number => {
      this.stack.push({ role, obj: c === '{', state: c === '{' ? St.KeyOrEnd : St.ValueOrEnd, key: '', index: 0, entry });
      return i + 1;
    };
    switch (f.role) {
      case 'doc':
        if (c === '{') return open('root');
        // A JSON document that is not an object: read through, then named.
        return this.begin(s, i, null, () => {
          throw new ImportError('unknown-format', 'This is neither an AppSync Events DevTools session nor a HAR file (no "log" object).');
        });
      case 'root':
        if (f.key !== 'log') return this.begin(s, i, null, done);
        this.sawLog = true;
        if (c === '{') return open('log');
        return this.begin(s, i, (t) => (this.out.push({ kind: 'bad-log', value: this.parse(t, 'log') }), done()));
      case 'log':
        if (f.key === 'entries' && c === '[') {
          this.out.push({ kind: 'entries' });
          return open('entries');
        }
        return this.begin(s, i, (t) => (this.out.push({ kind: 'log', key: f.key, value: this.parse(t, `log.${f.key}`) }), done()));
      case 'entries': {
        const entry = f.index;
        if (c === '{') {
          this.out.push({ kind: 'entry', entry });
          return open('entry', entry);
        }
        return this.begin(s, i, (t) => (this.out.push({ kind: 'odd-entry', entry, value: this.parse(t, `log.entries[${entry}]`) }), done()));
      }
      case 'entry':
        if (f.key === '_webSocketMessages' && c === '[') {
          this.out.push({ kind: 'messages', entry: f.entry });
          return open('messages');
        }
        return this.begin(s, i, (t) => (this.out.push({ kind: 'field', entry: f.entry, key: f.key, value: this.parse(t, `log.entries[${f.entry}].${f.key}`) }), done()));
      case 'messages': {
        const message = f.index;
        return this.begin(s, i, (t) => (this.out.push({ kind: 'message', entry: f.entry, message, value: this.parse(t, `log.entries[${f.entry}]._webSocketMessages[${message}]`) }), done()));
      }
    }
  }

  /** A value of frame f is complete. */
  private after(f: Frame): void {
    f.state = f.role === 'doc' ? St.Done : St.CommaOrEnd;
    if (!f.obj) f.index++;
  }

  private close(): void {
    const f = this.stack.pop() as Frame;
    if (f.role === 'entry') this.out.push({ kind: 'entry-end', entry: f.entry });
    this.after(this.top());
  }

  /**
   * Starts capturing the value at s[i]; `sink` gets its text (null: skipped), then `done`
   * runs (for a sink, the sink's own continuation does). Returns where scanning goes on.
   */
  private begin(s: string, i: number, sink: Sink | null, done?: () => void): number {
    const c = s[i] as string;
    const scalar = c !== '"' && c !== '{' && c !== '[';
    if (scalar && !SCALAR_START.test(c)) this.notJson(`unexpected "${c}"`, i);
    const wrapped: Sink | null = sink ?? (done ? () => done() : null);
    this.capture = { sink: wrapped, scalar, parts: [], length: 0, depth: c === '"' ? 0 : 1, inString: c === '"', escape: false };
    this.skipOnly = sink === null;
    this.captureStart = i;
    return scalar ? i : i + 1;
  }

  /** True while the capture is a skipped value (its text is not kept). */
  private skipOnly = false;

  private finish(lastPart: string): void {
    const cap = this.capture as Capture;
    this.capture = null;
    this.captureStart = -1;
    if (this.skipOnly) {
      cap.sink?.('');
      return;
    }
    const text = cap.parts.length === 0 ? lastPart : cap.parts.join('') + lastPart;
    if (cap.length + lastPart.length > this.limits.maxValueChars) {
      throw new ImportError('too-large', `A value in the file is longer than the limit of ${this.limits.maxValueChars} characters.`);
    }
    cap.sink?.(text);
  }

  /** Scans the captured value from s[i]; returns where it ended, or s.length if it goes on. */
  private captureFrom(s: string, i: number): number {
    const cap = this.capture as Capture;
    const n = s.length;
    const start = this.captureStart < 0 ? 0 : this.captureStart;
    const end = (j: number): number => {
      this.finish(this.skipOnly ? '' : s.slice(start, j));
      return j;
    };
    if (cap.scalar) {
      let j = i;
      while (j < n && !isScalarEnd(s.charCodeAt(j))) j++;
      if (j < n) return end(j);
      this.stash(s, start);
      return n;
    }
    while (i < n) {
      if (cap.inString) {
        if (cap.escape) {
          cap.escape = false;
          i++;
          continue;
        }
        STRING_STOP.lastIndex = i;
        const m = STRING_STOP.exec(s);
        if (!m) break;
        if (s[m.index] === '\\') {
          if (m.index + 1 >= n) {
            cap.escape = true;
            i = n;
            break;
          }
          i = m.index + 2;
          continue;
        }
        cap.inString = false;
        i = m.index + 1;
        if (cap.depth === 0) return end(i);
        continue;
      }
      STRUCT_STOP.lastIndex = i;
      const m = STRUCT_STOP.exec(s);
      if (!m) break;
      i = m.index + 1;
      const ch = s[m.index];
      if (ch === '"') cap.inString = true;
      else if (ch === '{' || ch === '[') cap.depth++;
      else if (--cap.depth === 0) return end(i);
    }
    this.stash(s, start);
    return n;
  }

  /** Keeps the captured part of this chunk (the value goes on in the next one). */
  private stash(s: string, start: number): void {
    if (!this.skipOnly) this.keepPart(s.slice(start));
    this.captureStart = 0;
    this.stashed = true;
  }

  private stashed = false;
}
