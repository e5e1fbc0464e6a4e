// Field-by-field validation of imported records. Files are untrusted: every value is
// checked for type and size and copied into a fresh object by name, so unknown keys
// (including `__proto__`) never reach the database. Errors name the line and the field.

import { ImportError } from './import-error.ts';
import { DIRECTIONS, type ConnectionRecord, type Direction, type FrameExtra, type SessionId, type StoredFrame } from './types.ts';

export class Fields {
  constructor(
    private readonly value: Record<string, unknown>,
    private readonly path: string,
    private readonly where: string,
    private readonly maxString: number,
  ) {}

  static of(value: unknown, path: string, where: string, maxString: number): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ImportError('invalid-field', `${where}${path || 'the record'} must be an object`);
    }
    return new Fields(value as Record<string, unknown>, path, where, maxString);
  }

  /** The JSON path of a field, for messages: `frame.extra.headers`. */
  private at(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  fail(name: string, what: string): never {
    throw new ImportError('invalid-field', `${this.where}${this.at(name)} ${what}`);
  }

  private get(name: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.value, name) ? this.value[name] : undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** True when the field is an object (not a list): for lenient readers of odd files. */
  isObject(name: string): boolean {
    const v = this.get(name);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  private checkSize(name: string, s: string): string {
    if (s.length > this.maxString) {
      throw new ImportError(
        'too-large',
        `${this.where}${this.at(name)} is ${s.length} characters long; the limit is ${this.maxString}`,
      );
    }
    return s;
  }

  str(name: string): string {
    const v = this.get(name);
    if (typeof v !== 'string') this.fail(name, v === undefined ? 'is missing (a string is required)' : 'must be a string');
    return this.checkSize(name, v);
  }
  optStr(name: string): string | undefined {
    return this.has(name) ? this.str(name) : undefined;
  }
  num(name: string): number {
    const v = this.get(name);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(name, v === undefined ? 'is missing (a number is required)' : 'must be a number');
    }
    return v;
  }
  optNum(name: string): number | undefined {
    return this.has(name) ? this.num(name) : undefined;
  }
  int(name: string, min = 0): number {
    const v = this.num(name);
    if (!Number.isInteger(v) || v < min) this.fail(name, `must be an integer ≥ ${min}`);
    return v;
  }
  optInt(name: string, min = 0): number | undefined {
    return this.has(name) ? this.int(name, min) : undefined;
  }
  bool(name: string): boolean {
    const v = this.get(name);
    if (typeof v !== 'boolean') this.fail(name, v === undefined ? 'is missing (true or false is required)' : 'must be true or false');
    return v;
  }
  optBool(name: string): boolean | undefined {
    return this.has(name) ? this.bool(name) : undefined;
  }
  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.str(name);
    if (!(allowed as readonly string[]).includes(v)) this.fail(name, `must be one of ${allowed.join(', ')}`);
    return v as T;
  }
  strList(name: string): string[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(name, 'must be a list of strings');
    return (v as string[]).map((s, i) => this.checkSize(`${name}[${i}]`, s));
  }
  strMap(name: string): Record<string, string> {
    const v = this.get(name);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(name, 'must be an object of strings');
    const out = Object.create(null) as Record<string, string>;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x !== 'string') this.fail(`${name}.${k}`, 'must be a string');
      out[this.checkSize(name, k)] = this.checkSize(`${name}.${k}`, x);
    }
    return out;
  }
  optStrMap(name: string): Record<string, string> | undefined {
    return this.has(name) ? this.strMap(name) : undefined;
  }
  list(name: string): unknown[] {
    const v = this.get(name);
    if (!Array.isArray(v)) this.fail(name, v === undefined ? 'is missing (a list is required)' : 'must be a list');
    return v;
  }
  optList(name: string): unknown[] | undefined {
    return this.has(name) ? this.list(name) : undefined;
  }
  /** The element of a list as an object (the path names its index). */
  item(name: string, index: number): Fields {
    return Fields.of(this.list(name)[index], `${this.at(name)}[${index}]`, this.where, this.maxString);
  }
  obj(name: string): Fields {
    return Fields.of(this.get(name), this.at(name), this.where, this.maxString);
  }
  optObj(name: string): Fields | undefined {
    return this.has(name) ? this.obj(name) : undefined;
  }
}

/** Copies only defined values (stored records never hold `undefined` fields). */
function defined<T extends object>(o: T): T {
  const out = {} as T;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function readConnection(f: Fields, sessionId: SessionId): ConnectionRecord {
  return defined({
    sessionId,
    connId: f.str('connId'),
    kind: f.oneOf('kind', ['websocket', 'http'] as const),
    url: f.str('url'),
    appsync: f.bool('appsync'),
    frameUrl: f.optStr('frameUrl'),
    protocolsOffered: f.strList('protocolsOffered'),
    protocol: f.optStr('protocol'),
    extensions: f.optStr('extensions'),
    authMode: f.optStr('authMode'),
    createdAt: f.optNum('createdAt'),
    openedAt: f.optNum('openedAt'),
    closedAt: f.optNum('closedAt'),
    closeCode: f.optInt('closeCode'),
    closeReason: f.optStr('closeReason'),
    errors: f.int('errors'),
    sent: f.int('sent'),
    received: f.int('received'),
    bytesSent: f.int('bytesSent'),
    bytesReceived: f.int('bytesReceived'),
    lost: f.int('lost'),
    subscriptions: f.strMap('subscriptions'),
  });
}

function readExtra(f: Fields): FrameExtra {
  const via = f.has('via') ? f.oneOf('via', ['fetch', 'xhr', 'network', 'shared-worker', 'debugger'] as const) : undefined;
  return defined({
    length: f.optInt('length'),
    code: f.optInt('code'),
    reason: f.optStr('reason'),
    wasClean: f.optBool('wasClean'),
    method: f.optStr('method'),
    url: f.optStr('url'),
    headers: f.optStrMap('headers'),
    request: f.optInt('request'),
    status: f.optInt('status'),
    duration: f.optNum('duration'),
    error: f.optStr('error'),
    via,
  });
}

export function readFrame(f: Fields, expectedPos: number, connections: ReadonlySet<string>): StoredFrame {
  const pos = f.int('pos');
  if (pos !== expectedPos) f.fail('pos', `is ${pos} but ${expectedPos} was expected (a frame is missing or out of order)`);
  const conn = f.str('conn');
  if (!connections.has(conn)) f.fail('conn', `names connection ${JSON.stringify(conn.slice(0, 80))}, which the file does not declare`);
  const binary = f.optObj('binary');
  const extra = f.optObj('extra');
  // Built field by field (same checks, same order as the file's keys are validated) rather
  // than through defined(): one object per frame instead of two, at a million frames.
  const frame: { -readonly [K in keyof StoredFrame]: StoredFrame[K] } = {
    pos,
    sock: f.str('sock'),
    seq: f.int('seq'),
    t: f.num('t'),
    conn,
    dir: f.oneOf<Direction>('dir', DIRECTIONS),
    size: 0,
    flags: 0,
  };
  const type = f.optStr('type');
  if (type !== undefined) frame.type = type;
  const id = f.optStr('id');
  if (id !== undefined) frame.id = id;
  const channel = f.optStr('channel');
  if (channel !== undefined) frame.channel = channel;
  frame.size = f.int('size');
  const text = f.optStr('text');
  if (text !== undefined) frame.text = text;
  if (binary) frame.binary = { size: binary.int('size'), preview: binary.str('preview') };
  frame.flags = f.int('flags');
  if (extra) frame.extra = readExtra(extra);
  return frame;
}
