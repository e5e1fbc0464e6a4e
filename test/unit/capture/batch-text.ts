// The records of a batch text the hook posted, whatever its socket ids (the tests' hooks
// have their own nonces): the background's own decoder, without its socket-id check.
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { BATCH_FORMAT } from '../../../src/messaging/contracts.ts';
import { decodeBatch } from '../../../src/messaging/batch-decoding.ts';
import { isCaptureRecord } from '../../../src/messaging/guards.ts';

export function recordsOf(payload: string): CaptureRecord[] {
  if (!payload.startsWith(BATCH_FORMAT)) return JSON.parse(payload) as CaptureRecord[];
  const decoded = decodeBatch(payload, BATCH_FORMAT.length, '', { maxShort: 1024, maxText: 64 * 1024 * 1024 }, isCaptureRecord);
  if (decoded.error !== undefined || decoded.rejected > 0) throw new Error(`undecodable batch: ${decoded.error ?? `${decoded.rejected} rejected`}`);
  return decoded.records;
}
