// Export choices for one session. A session that kept its secrets exports them, so the
// dialog says so plainly and the Export button stays disabled until the user confirms.
import { useEffect, useRef, useState } from 'preact/hooks';
import { exportNeedsWarning, type SessionRecord } from '../../../../src/sessions/index.ts';
import type { ExportKind } from '../../store/sessions-store.ts';

const KINDS: ReadonlyArray<{ readonly kind: ExportKind; readonly label: string; readonly hint: string }> = [
  { kind: 'session', label: 'Session file (.jsonl)', hint: 'Everything this extension recorded; imports back without loss.' },
  { kind: 'session-gzip', label: 'Session file, gzip (.jsonl.gz)', hint: 'The same, compressed: much smaller for large sessions.' },
  { kind: 'har', label: 'HAR (.har)', hint: 'For HAR viewers and Chrome DevTools; drops close codes, lost counts and tags.' },
];

interface Props {
  readonly session: SessionRecord;
  readonly onExport: (kind: ExportKind) => void;
  readonly onClose: () => void;
}

export function ExportDialog({ session, onExport, onClose }: Props) {
  const [kind, setKind] = useState<ExportKind>('session');
  const [confirmed, setConfirmed] = useState(false);
  const secrets = exportNeedsWarning(session);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  return (
    <div
      class="dialog export-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="export-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <h2 id="export-title">Export “{session.name}”</h2>
      <fieldset class="export-kinds">
        <legend>Format</legend>
        {KINDS.map((k, i) => (
          <label key={k.kind}>
            <input
              ref={i === 0 ? first : undefined}
              type="radio"
              name="export-kind"
              value={k.kind}
              checked={kind === k.kind}
              onChange={() => setKind(k.kind)}
            />
            {k.label}
            <span class="hint">{k.hint}</span>
          </label>
        ))}
      </fieldset>
      {secrets ? (
        <div class="secrets-warning" role="alert">
          <strong>This file will contain secrets.</strong> The session was recorded with “keep secrets” on, so API keys,
          tokens and authorization headers are exported unredacted. Anyone with the file can use them.
          <label class="confirm">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
            I understand; export with secrets
          </label>
        </div>
      ) : (
        <p class="hint">Secrets (API keys, tokens, authorization headers) are redacted in the file.</p>
      )}
      <div class="buttons">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="primary" disabled={secrets && !confirmed} onClick={() => onExport(kind)}>
          Export
        </button>
      </div>
    </div>
  );
}
