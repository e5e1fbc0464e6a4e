// One stored session in the list: what it is, and its actions. Every value shown came from
// a page or a file, so it is rendered as text only.
import type { SessionRecord } from '../../../../src/sessions/index.ts';
import { RenameField } from './rename-field.tsx';
import { connectionSummary, formatBytes, formatClock, formatDay, SOURCE_LABEL } from './format-session.ts';

interface Props {
  readonly session: SessionRecord;
  readonly editing: boolean;
  readonly busy: boolean;
  readonly onOpen: () => void;
  readonly onStartRename: () => void;
  readonly onRename: (name: string | null, byKeyboard: boolean) => void;
  readonly onPin: (pinned: boolean) => void;
  readonly onExport: () => void;
  readonly onDelete: () => void;
}

export function SessionRow(p: Props) {
  const s = p.session;
  return (
    <tr class={`session-row${s.pinned ? ' pinned' : ''}`} data-session-id={s.id}>
      <td class="pin-cell">
        <button
          type="button"
          class={`icon pin${s.pinned ? ' on' : ''}`}
          aria-pressed={s.pinned}
          aria-label={s.pinned ? `Unpin ${s.name}` : `Pin ${s.name}`}
          title={s.pinned ? 'Pinned: never removed to save space. Click to unpin.' : 'Pin: keep when storage runs low'}
          onClick={() => p.onPin(!s.pinned)}
        >
          {s.pinned ? '★' : '☆'}
        </button>
      </td>
      <td class="name-cell">
        {p.editing ? (
          <RenameField initial={s.name} onDone={p.onRename} />
        ) : (
          <button type="button" class="link name" title={`${s.name} (double-click to rename)`} onClick={p.onOpen} onDblClick={p.onStartRename}>
            {s.name}
          </button>
        )}
        <div class="badges">
          <span class={`badge source-${s.source}`}>{SOURCE_LABEL[s.source]}</span>
          {s.pinned && <span class="badge pinned-badge">Pinned</span>}
          {s.keepSecrets && (
            <span class="badge secrets" title="Auth headers and tokens are stored unredacted in this session and its exports.">
              ⚠ Secrets kept
            </span>
          )}
        </div>
      </td>
      <td class="date" title={new Date(s.startedAt).toISOString()}>
        <span>{formatDay(s.startedAt)}</span>
        <span class="sub">{formatClock(s.startedAt)}</span>
      </td>
      <td class="page" title={s.pageUrl}>
        <span class="page-title">{s.pageTitle || '—'}</span>
        <span class="page-url sub">{s.pageUrl || '—'}</span>
      </td>
      <td class="num frames" data-frames={s.frameCount} title={connectionSummary(s.connections)}>
        <span>{s.frameCount.toLocaleString()}</span>
        <span class="size sub" title={`${formatBytes(s.storedBytes)} stored`}>
          {formatBytes(s.byteCount)}
        </span>
      </td>
      <td class="conns">{connectionSummary(s.connections)}</td>
      <td class="actions">
        <button type="button" onClick={p.onOpen} aria-label={`Open ${s.name}`}>
          Open
        </button>
        <button type="button" onClick={p.onStartRename} aria-label={`Rename ${s.name}`} disabled={p.editing}>
          Rename
        </button>
        <button type="button" onClick={p.onExport} aria-label={`Export ${s.name}`} aria-haspopup="dialog" disabled={p.busy}>
          {p.busy ? 'Exporting…' : 'Export'}
        </button>
        <button type="button" class="danger" onClick={p.onDelete} aria-label={`Delete ${s.name}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}
