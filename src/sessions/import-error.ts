// The one error type imports reject with: a stable code for the UI and tests, and a
// message that names the problem (and the line or JSON path where it was found).

export type ImportErrorCode =
  | 'empty'
  | 'not-json'
  | 'bad-encoding'
  | 'bad-gzip'
  | 'unknown-format'
  | 'unsupported-version'
  | 'invalid-field'
  | 'truncated'
  | 'too-large'
  | 'no-sockets'
  | 'aborted'
  | 'storage';

export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
