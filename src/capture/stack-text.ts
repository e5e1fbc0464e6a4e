// How SpiderMonkey writes a stack as text, for the page-side view of an error that left
// through a wrapper (see hideOwnFrames in disguise.ts). Pure: no page globals.

import { type AnyFn, ObjectCreate, ReflectGetOwnPropertyDescriptor, StringSlice, uncurryThis } from './native.ts';

const StringLastIndexOf = uncurryThis(String.prototype.lastIndexOf);
const StringIndexOf = uncurryThis(String.prototype.indexOf);
const NumberParse = Number;
const ErrorCaptureStackTrace = (Error as { captureStackTrace?: (o: object, fn?: AnyFn) => void }).captureStackTrace;

/** The page-side view of an error whose engine-recorded stack includes the hook's frames. */
export interface ErrorMask {
  readonly stack: string;
  readonly fileName: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

let ownStackText: boolean | undefined;
/**
 * Whether errors keep their stack behind an accessor on Error.prototype that
 * captureStackTrace cannot reach, leaving a string data property on the error instead
 * (SpiderMonkey). V8 keeps `stack` on each error (an accessor in Chromium, a native data
 * property in older V8 such as Node 20's) and has none on Error.prototype.
 */
export function recordsOwnStackText(): boolean {
  if (ownStackText === undefined) {
    const onProto = ReflectGetOwnPropertyDescriptor(Error.prototype, 'stack');
    const probe = ObjectCreate(null) as object;
    ErrorCaptureStackTrace?.(probe);
    const d = ReflectGetOwnPropertyDescriptor(probe, 'stack');
    ownStackText = typeof onProto?.get === 'function' && d !== undefined && 'value' in d;
  }
  return ownStackText;
}

/** The mask of a SpiderMonkey stack text, whose first frame is `name@url:line:column`. */
export function locationOf(stack: string): ErrorMask {
  const nl = StringIndexOf(stack, '\n');
  const first = nl < 0 ? stack : StringSlice(stack, 0, nl);
  const at = StringIndexOf(first, '@');
  const colSep = StringLastIndexOf(first, ':');
  const lineSep = colSep > 0 ? StringLastIndexOf(first, ':', colSep - 1) : -1;
  const m = ObjectCreate(null) as { stack: string; fileName: string; lineNumber: number; columnNumber: number };
  m.stack = stack;
  // No frame left (an error thrown with only the hook on the stack): what the engine says then.
  m.fileName = '';
  m.lineNumber = 0;
  m.columnNumber = 0;
  if (at >= 0 && lineSep > at) {
    m.fileName = StringSlice(first, at + 1, lineSep);
    m.lineNumber = NumberParse(StringSlice(first, lineSep + 1, colSep));
    m.columnNumber = NumberParse(StringSlice(first, colSep + 1));
  }
  return m;
}

/**
 * `stack` without its leading frames in `fileName` (the frames above the first one of any
 * other file). For the structured clone of an error that left through a wrapper: the clone
 * carries the frames SpiderMonkey recorded, the hook's on top, and no mask.
 */
export function withoutLeadingFramesIn(stack: string, fileName: string): string {
  if (fileName === '') return stack;
  let start = 0;
  while (start < stack.length) {
    const nl = StringIndexOf(stack, '\n', start);
    const line = nl < 0 ? StringSlice(stack, start) : StringSlice(stack, start, nl);
    if (line === '' || locationOf(line).fileName !== fileName) break;
    start = nl < 0 ? stack.length : nl + 1;
  }
  return start === 0 ? stack : StringSlice(stack, start);
}

let ownFile: string | undefined;
/**
 * The file name SpiderMonkey gives the frames of the script calling this, here the hook
 * (measured in Firefox ESR 153: "<anonymous code>" for a MAIN-world content script, which
 * hides the extension URL from pages). Read once, at install time.
 */
export function ownFileName(): string {
  if (ownFile === undefined) {
    const probe = ObjectCreate(null) as { stack?: unknown };
    ErrorCaptureStackTrace?.(probe);
    const d = ReflectGetOwnPropertyDescriptor(probe, 'stack');
    ownFile = d !== undefined && typeof d.value === 'string' ? locationOf(d.value).fileName : '';
  }
  return ownFile;
}
