// The service's publish answers (`publish_success`, HTTP 200 `{successful, failed}`, error
// lists) as one verdict per event, read leniently: missing arrays are empty, failed
// entries may say `code` or `errorCode` (reference 11.2), with the error type apart.

import { isRecord } from '../protocol/index.ts';
import type { EventResult, ServiceError } from './types.ts';

export function eventResults(count: number, body: Record<string, unknown>): EventResult[] {
  const out: (EventResult | undefined)[] = new Array(count).fill(undefined);
  const place = (entry: unknown, ok: boolean) => {
    if (!isRecord(entry)) return;
    const index = typeof entry['index'] === 'number' ? entry['index'] : -1;
    const identifier = typeof entry['identifier'] === 'string' ? entry['identifier'] : undefined;
    const code = entry['code'] ?? entry['errorCode'];
    const message = entry['message'] ?? entry['errorMessage'];
    const errorType = entry['errorType'];
    const r: EventResult = {
      index,
      ok,
      ...(identifier !== undefined ? { identifier } : {}),
      ...(code !== undefined && code !== null ? { code: String(code) } : {}),
      ...(typeof errorType === 'string' ? { errorType } : {}),
      ...(typeof message === 'string' ? { message } : {}),
    };
    if (index >= 0 && index < count) out[index] = r;
  };
  for (const e of Array.isArray(body['successful']) ? body['successful'] : []) place(e, true);
  for (const e of Array.isArray(body['failed']) ? body['failed'] : []) place(e, false);
  return out.map((r, index) => r ?? { index, ok: false, message: 'The service gave no verdict for this event.' });
}

export function serviceErrors(value: unknown): ServiceError[] {
  const list = isRecord(value) && Array.isArray(value['errors']) ? value['errors'] : [];
  return list.filter(isRecord).map((e) => ({
    ...(typeof e['errorType'] === 'string' ? { errorType: e['errorType'] } : {}),
    ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}),
    ...(typeof e['errorCode'] === 'number' ? { errorCode: e['errorCode'] } : {}),
  }));
}
