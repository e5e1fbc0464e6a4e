// The live view: the inspected tab's records as they are captured, newest at the bottom.
import { useCallback, useState } from 'preact/hooks';
import type { LiveStore } from '../../store/live-store.ts';
import { channelKey, LIVE_ROW_LIMIT } from '../../store/live-store.ts';
import { VirtualList } from '../../components/virtual-list.tsx';
import { describeRecord } from '../../format.ts';
import { SettingsDialog } from '../../components/settings-dialog.tsx';
import { FrameDetail } from '../../components/frame-detail.tsx';
import type { CaptureRecord } from '../../../../src/capture/records.ts';

const ROW_HEIGHT = 22;

export function LiveView({ store, tabId }: { store: LiveStore; tabId: number | null }) {
  const { rows, total, status, channels } = store.state.value;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [selected, setSelected] = useState<CaptureRecord | null>(null);
  const channelOf = useCallback((socketId: string, id: string) => channels.get(channelKey(socketId, id)), [channels]);
  if (tabId === null) {
    return <div class="empty">Open this panel from DevTools on the page you want to inspect.</div>;
  }
  return (
    <div class="view live">
      <div class="toolbar" role="toolbar">
        <span class={`rec ${status?.recording ? 'on' : ''}`} title={status?.recording ? 'Recording' : 'Not recording'} />
        <button type="button" onClick={() => store.clear()}>
          Clear
        </button>
        <label>
          <input
            type="checkbox"
            checked={status?.preserveLog ?? false}
            onChange={(e) => store.command({ type: 'setPreserveLog', preserve: e.currentTarget.checked })}
          />
          Preserve log
        </label>
        <button type="button" onClick={() => setSettingsOpen(true)} aria-haspopup="dialog">
          Settings
        </button>
        <span class="spacer" />
        <span class="count" data-testid="record-count">
          {total} {total === 1 ? 'record' : 'records'}
        </span>
        {status && status.dropped > 0 && <span class="warn">{status.dropped} dropped by the page's capture buffer</span>}
        {status && status.rejected > 0 && <span class="warn">{status.rejected} malformed from the page, ignored</span>}
        {status?.problem && <span class="error">{status.problem}</span>}
        {status?.notice && <span class="info">{status.notice}</span>}
        {!store.connected.value && <span class="warn">reconnecting…</span>}
      </div>
      {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
      {total > rows.length && (
        <div class="notice">
          Showing the newest {LIVE_ROW_LIMIT.toLocaleString()} of {total.toLocaleString()} records; the whole session is stored.
        </div>
      )}
      {rows.length === 0 ? (
        <div class="empty">
          <p>No AppSync Events traffic yet.</p>
          <p>Use the page: WebSocket frames to <code>…/event/realtime</code> and HTTP publishes to <code>…/event</code> appear here, including those sent before DevTools was opened.</p>
        </div>
      ) : (
        <VirtualList
          count={rows.length}
          rowHeight={ROW_HEIGHT}
          label="Captured records"
          renderRow={(i) => {
            const r = rows[i]!;
            const text = describeRecord(r, channelOf);
            return (
              <div
                class={`row ${r.kind}${selected === r ? ' selected' : ''}`}
                role="listitem"
                tabIndex={0}
                key={`${r.socketId}:${r.seq}`}
                style={{ height: `${ROW_HEIGHT}px` }}
                onClick={() => setSelected(r)}
                onKeyDown={(e) => e.key === 'Enter' && setSelected(r)}
              >
                <span class="time">{text.time}</span>
                <span class="dir">{text.dir}</span>
                <span class="sock">{text.socket}</span>
                <span class="type">{text.type}</span>
                <span class="chan" title={text.channel}>
                  {text.channel}
                </span>
                <span class="size">{text.size}</span>
                <span class="preview">{text.preview}</span>
              </div>
            );
          }}
        />
      )}
      {selected && <FrameDetail record={selected} channelOf={channelOf} onClose={() => setSelected(null)} />}
    </div>
  );
}
