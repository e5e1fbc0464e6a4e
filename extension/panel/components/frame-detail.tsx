// The detail pane of one record. Every value is page-provided text and is rendered as text.
import { useMemo } from 'preact/hooks';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { frameDetail } from '../frame-detail-model.ts';

export function FrameDetail({
  record,
  channelOf,
  onClose,
}: {
  record: CaptureRecord;
  channelOf: (socketId: string, id: string) => string | undefined;
  onClose: () => void;
}) {
  const detail = useMemo(() => frameDetail(record, channelOf), [record, channelOf]);
  return (
    <section class="detail" aria-label="Record details" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div class="detail-head">
        <dl>
          {detail.summary.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <button type="button" class="close" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </div>
      {detail.findings.length > 0 && (
        <ul class="findings">
          {detail.findings.map((f, i) => (
            <li key={i} class={f.severity}>
              <b>{f.severity}</b> {f.message}
            </li>
          ))}
        </ul>
      )}
      {detail.sections.map((s) => (
        <div class="section" key={s.title}>
          <h3>{s.title}</h3>
          <pre>{s.body}</pre>
        </div>
      ))}
    </section>
  );
}
