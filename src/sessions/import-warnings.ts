// What an import kept going past: every skipped or altered item, with where it was in the
// file. An import rejects a file only when nothing usable is in it (ImportError); anything
// less is a warning here, returned with the imported session so the UI can show it.

export type ImportWarningCode =
  /** An item (HAR entry, WebSocket message) that could not be read, skipped. */
  | 'skipped'
  /** Kept in another form than the file had it (headers as an object, an error message as a socket error). */
  | 'kept-as'
  /** A time out of range or in the wrong unit, normalised or replaced. */
  | 'time'
  /** A HAR version this importer does not know; read as HAR 1.2. */
  | 'unknown-version'
  /** Records stored out of time order (a HAR whose sockets overlap beyond the import's window). */
  | 'out-of-order';

/** Where in the file: HAR entry and message indexes (0-based, as in the file), or a line. */
export interface ImportPlace {
  readonly entry?: number;
  readonly message?: number;
  readonly line?: number;
}

export interface ImportWarning {
  readonly code: ImportWarningCode;
  readonly place: ImportPlace;
  readonly message: string;
}

/** Warnings kept in full; past this only counted (a broken file could produce one per message). */
export const MAX_IMPORT_WARNINGS = 200;

export class ImportWarnings {
  private readonly kept: ImportWarning[] = [];
  private total = 0;

  add(code: ImportWarningCode, place: ImportPlace, message: string): void {
    this.total++;
    if (this.kept.length < MAX_IMPORT_WARNINGS) this.kept.push({ code, place, message });
  }

  get count(): number {
    return this.total;
  }

  list(): readonly ImportWarning[] {
    return this.kept;
  }
}

/** `entry 3, message 12: …` */
export function describePlace(p: ImportPlace): string {
  const parts: string[] = [];
  if (p.line !== undefined) parts.push(`line ${p.line}`);
  if (p.entry !== undefined) parts.push(`entry ${p.entry}`);
  if (p.message !== undefined) parts.push(`message ${p.message}`);
  return parts.join(', ');
}

/** Earliest and latest wall-clock ms a capture can plausibly have (years 2000 and 2200). */
const PLAUSIBLE_MS: readonly [number, number] = [946_684_800_000, 7_258_118_400_000];
/** Largest value Date accepts (ECMA-262 time value range). */
const MAX_DATE_MS = 8.64e15;

export type TimeCheck = { readonly ms: number } | { readonly ms: number; readonly warning: string };

/**
 * A time in ms, from a value in `unit`. A value out of that unit's plausible range but in the
 * other's is taken as the other unit (seconds and milliseconds are 1000× apart, so the
 * ranges never overlap); a value that is not a valid time at all (NaN, negative, beyond the
 * Date range, 1e308) is replaced by `fallback`. Both cases come with a warning.
 */
export function normaliseTime(value: number, unit: 's' | 'ms', fallback: number): TimeCheck {
  const [lo, hi] = PLAUSIBLE_MS;
  const ms = unit === 's' ? value * 1000 : value;
  if (Number.isFinite(ms) && ms >= lo && ms <= hi) return { ms };
  const other = unit === 's' ? value : value * 1000;
  if (Number.isFinite(other) && other >= lo && other <= hi) {
    return { ms: other, warning: `time ${value} read as ${unit === 's' ? 'milliseconds' : 'seconds'} (in ${unit === 's' ? 'seconds' : 'milliseconds'} it is not a plausible date)` };
  }
  if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_DATE_MS) return { ms, warning: `time ${value} is not a plausible capture date; kept as ${new Date(ms).toISOString()}` };
  return { ms: fallback, warning: `time ${String(value)} is not a valid time; the previous time was used` };
}
