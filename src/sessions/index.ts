// Public surface of the sessions store (IndexedDB schema, recorder, queries, retention,
// export and import). Pure TypeScript on idb: no extension APIs.

export * from './types.ts';
export { openSessionsDb, SCHEMA_VERSION, MIGRATIONS, DEFAULT_DB_NAME, SchemaError } from './schema.ts';
export type { SessionsDb, Migration, OpenOptions } from './schema.ts';
export * from './session-ops.ts';
export { createRecorder } from './recorder.ts';
export type { Recorder, RecorderOptions, RecorderState, AppendResult } from './recorder.ts';
export { DEFAULT_CHUNK_LIMITS } from './chunk-builder.ts';
export { textsWhere } from './chunk-store.ts';
export type { TextsWanted } from './chunk-store.ts';
export type { ChunkLimits } from './chunk-builder.ts';
export { saveExcerpt, EXCERPT_TAG } from './excerpt.ts';
export type { ExcerptOptions } from './excerpt.ts';
export { scanFrames, findFrames, readFramePage, readFramesByTime, sessionCounts } from './queries.ts';
export type { ScanOptions, ScanProgress, FrameBatch, FramePage, SessionCounts } from './queries.ts';
export { compileFilter, FilterError } from './frame-filter.ts';
export type { FrameFilter } from './frame-filter.ts';
export * from './retention.ts';
export { isQuotaError, StorageFullError, STORAGE_FULL_MESSAGE } from './quota.ts';
export { exportSession, exportNeedsWarning, EXPORT_FORMAT, EXPORT_VERSION } from './export-session.ts';
export type { ExportOptions } from './export-session.ts';
export { exportHar } from './export-har.ts';
export { redactPageUrl } from './export-redaction.ts';
export type { HarExportOptions } from './export-har.ts';
export { importSession, DEFAULT_IMPORT_LIMITS } from './import-session.ts';
export type { ImportOptions, ImportResult, ImportProgress, ImportLimits } from './import-session.ts';
export { ImportError } from './import-error.ts';
export { describePlace, MAX_IMPORT_WARNINGS, normaliseTime } from './import-warnings.ts';
export type { ImportWarning, ImportWarningCode, ImportPlace } from './import-warnings.ts';
export type { ImportErrorCode } from './import-error.ts';
export type { ImportInput } from './byte-streams.ts';
