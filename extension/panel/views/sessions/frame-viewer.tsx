// A stored session's frames, read-only: a windowed table read page by page from IndexedDB,
// and a text filter whose matches stream in with progress and can be cancelled.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SessionRecord, SessionsDb } from '../../../../src/sessions/index.ts';
import { VirtualList } from '../../components/virtual-list.tsx';
import { createFrameSource, type FilterState } from './frame-source.ts';
import { describeFrame, framesText } from './format-session.ts';

const ROW_HEIGHT = 22;

function filterStatus(f: FilterState, shown: number): string {
  const found = `${shown.toLocaleString()} ${shown === 1 ? 'match' : 'matches'}`;
  if (f.error) return `${found}; the search failed: ${f.error}`;
  if (f.cancelled) return `${found} (search cancelled)`;
  if (f.running && f.progress) return `${found} so far, ${f.progress.chunksScanned} of ${f.progress.chunksTotal} chunks searched`;
  if (f.running) return 'Searching…';
  return found;
}

interface Props {
  readonly session: SessionRecord;
  readonly getDb: () => Promise<SessionsDb>;
  readonly onClose: () => void;
}

export function FrameViewer({ session, getDb, onClose }: Props) {
  const source = useMemo(() => createFrameSource(getDb, session.id), [getDb, session.id]);
  useEffect(() => () => source.dispose(), [source]);
  const [text, setText] = useState('');
  const lastCount = useRef(session.frameCount);
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => back.current?.focus(), []);
  useEffect(() => {
    if (session.frameCount > lastCount.current) source.grew(lastCount.current);
    lastCount.current = session.frameCount;
  }, [source, session.frameCount]);

  // Reading the signals here re-renders the table when pages or matches arrive.
  void source.version.value;
  const filter = source.filter.value;
  const count = source.count(session.frameCount);
  const progress = filter?.running ? filter.progress : null;

  return (
    <section class="frame-viewer" aria-label={`Frames of ${session.name}`}>
      <div class="toolbar" role="toolbar" aria-label="Frames">
        <button type="button" ref={back} onClick={onClose} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
          ← All sessions
        </button>
        <h2 class="viewer-title" title={session.name}>
          {session.name}
        </h2>
        <form
          class="frame-filter"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            source.search(text);
          }}
        >
          <input
            type="search"
            aria-label="Filter frames by payload text"
            placeholder="Filter by payload text"
            value={text}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setText(value);
              if (value === '') source.search('');
            }}
          />
          <button type="submit">Filter</button>
          {filter?.running && (
            <button type="button" onClick={() => source.cancel()}>
              Cancel
            </button>
          )}
        </form>
        <span class="spacer" />
        <span class="count" data-testid="frame-count" aria-live="polite">
          {filter ? filterStatus(filter, count) : framesText(count)}
        </span>
      </div>
      {progress && (
        <progress class="scan-progress" aria-label="Search progress" max={Math.max(1, progress.chunksTotal)} value={progress.chunksScanned} />
      )}
      {source.pageError.value && <div class="notice error" role="alert">{source.pageError.value}</div>}
      {count === 0 ? (
        <div class="empty">{filter ? (filter.running ? 'Searching…' : 'No frame contains this text.') : 'This session has no frames.'}</div>
      ) : (
        <VirtualList
          count={count}
          rowHeight={ROW_HEIGHT}
          follow={false}
          label={`Frames of ${session.name}`}
          renderRow={(i) => {
            const f = source.frameAt(i);
            if (!f) {
              return (
                <div class="row loading" role="listitem" key={`loading-${i}`} style={{ height: `${ROW_HEIGHT}px` }}>
                  <span class="preview">…</span>
                </div>
              );
            }
            const t = describeFrame(f);
            return (
              <div class={`row frame-row dir-${f.dir}`} role="listitem" key={f.pos} style={{ height: `${ROW_HEIGHT}px` }}>
                <span class="time">{t.time}</span>
                <span class="dir">{t.dir}</span>
                <span class="sock">{t.conn}</span>
                <span class="type">{t.type}</span>
                <span class="channel">{t.channel}</span>
                <span class="size">{t.size}</span>
                <span class="preview">{t.preview}</span>
              </div>
            );
          }}
        />
      )}
    </section>
  );
}
