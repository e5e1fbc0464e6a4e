// The inspector's toolbar: recording state, Clear, Preserve log, the session picker, the
// filter bar with its toggles and type chips, import/export and settings.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionId, SessionRecord } from '../../../../src/sessions/index.ts';
import type { CaptureStatus } from '../../../../src/messaging/contracts.ts';
import { CHIPS, MARKS, type ChipName, type FilterInput } from './filter-query.ts';
import type { Target } from './inspector-store.ts';
import type { ScanState } from './frame-source.ts';
import { STOPPED_TITLE, stoppedLine } from './stopped-spans.ts';

interface Props {
  readonly live: boolean;
  readonly status: CaptureStatus | null;
  readonly connected: boolean;
  readonly target: Target;
  readonly sessions: readonly SessionRecord[];
  readonly filter: FilterInput;
  readonly problems: readonly string[];
  readonly scan: ScanState | null;
  readonly shown: number;
  readonly total: number;
  readonly filtered: boolean;
  readonly onClear: () => void;
  readonly onRecord: (on: boolean) => void;
  readonly onStats: () => void;
  readonly statsOpen: boolean;
  readonly onPreserveLog: (on: boolean) => void;
  readonly onPick: (t: Target) => void;
  readonly onPickerFocus: () => void;
  readonly onFilter: (f: Partial<FilterInput>) => void;
  readonly onCancelScan: () => void;
  readonly onImport: () => void;
  readonly onExport: (() => void) | null;
  readonly onSettings: (() => void) | null;
  /** Opens the block rules; null where the panel has no extension storage. */
  readonly onBlock?: (() => void) | null;
  /** Stores the frames the filter matches as a session of their own (null: not offered). */
  readonly onKeepMatches?: (() => void) | null;
  /** Opens the saved filters; `savedShown`: the bar shows one of them. */
  readonly onSavedFilters?: (() => void) | null;
  readonly savedShown?: string | null;
  /** Block rules that are on. */
  readonly blockingOn?: number;
}

/** Filter text is applied after typing pauses, so a scan does not restart per key. */
const TYPING_MS = 250;

const FILTER_HELP = [
  'Text (or a regular expression with .*), and tokens:',
  'channel:/ns/chat or channel:/ns/*  ·  type:data  ·  dir:send|receive|http  ·  conn:1  ·  id:sub-1',
  'event.room.id:7 (a field of the events; * is any run of characters, event.room:* any value)',
  `is:${Object.keys(MARKS).join('|')}`,
  'The same key twice means either value; a leading - excludes (-type:ka).',
].join('\n');

export function Toolbar(p: Props) {
  const [text, setText] = useState(p.filter.text);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setText(p.filter.text), [p.filter.text]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  // Ctrl+F (⌘F) goes to the filter bar, as find does in DevTools' own tools. While focus is
  // in the panel's document the key is dispatched there first; preventDefault keeps the
  // browser's find bar closed when the panel is opened as a page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'f') return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const submit = (value: string): void => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    p.onFilter({ text: value });
  };
  const toggleChip = (name: ChipName): void => {
    const hidden = new Set(p.filter.hidden);
    if (hidden.has(name)) hidden.delete(name);
    else hidden.add(name);
    p.onFilter({ hidden });
  };
  const scan = p.scan;
  const recording = p.status?.recording ?? false;
  const paused = p.status?.paused ?? false;
  const stopped = stoppedLine(p.status);
  const pickerValue = p.target.kind === 'live' ? 'live' : p.target.id;
  return (
    <div class="itoolbar">
      <div class="toolbar" role="toolbar" aria-label="Inspector">
        {p.live && (
          <>
            <button
              type="button"
              class="record-toggle"
              data-testid="record-toggle"
              aria-pressed={!paused}
              disabled={!p.status}
              onClick={() => p.onRecord(paused)}
              title={paused ? 'Recording is stopped: the page\'s traffic is not stored. Click to record again, into the same session.' : 'Recording this tab while this panel is open. Click to stop storing its traffic.'}
            >
              <span class={`rec ${recording ? 'on' : ''}`} aria-hidden="true" />
              {paused ? 'Record' : 'Stop'}
            </button>
            <button type="button" onClick={p.onClear} title="Start a new session for this tab; the current one stays stored">
              Clear
            </button>
            <label title="Keep one session across page loads">
              <input type="checkbox" checked={p.status?.preserveLog ?? false} onChange={(e) => p.onPreserveLog(e.currentTarget.checked)} />
              Preserve log
            </label>
          </>
        )}
        <select
          aria-label="Session"
          class="picker"
          value={pickerValue}
          onFocus={p.onPickerFocus}
          onMouseDown={p.onPickerFocus}
          onChange={(e) => {
            const v = e.currentTarget.value;
            p.onPick(v === 'live' ? { kind: 'live' } : { kind: 'stored', id: v as SessionId });
          }}
        >
          {p.live && <option value="live">Live: this tab</option>}
          {p.target.kind === 'stored' && !p.sessions.some((s) => s.id === pickerValue) && <option value={pickerValue}>(stored session)</option>}
          {p.sessions.map((s) => (
            <option value={s.id} key={s.id}>
              {s.name} ({s.frameCount.toLocaleString()})
            </option>
          ))}
        </select>
        <form
          class="filter-bar"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            // The field itself: Enter pressed right after a key would otherwise submit the
            // text of the render before that key.
            submit(input.current?.value ?? text);
          }}
        >
          <input
            ref={input}
            type="search"
            aria-label="Filter frames"
            placeholder="Filter: text, channel:/ns/*, type:data, event.room:7, is:blocked…"
            title={`${FILTER_HELP}\n(Ctrl+F)`}
            value={text}
            spellcheck={false}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setText(value);
              if (timer.current) clearTimeout(timer.current);
              timer.current = setTimeout(() => submit(value), TYPING_MS);
            }}
          />
          <label class="opt" title="Treat the text as a regular expression">
            <input type="checkbox" checked={p.filter.regex} onChange={(e) => p.onFilter({ regex: e.currentTarget.checked })} />
            .*
          </label>
          <label class="opt" title="Match case">
            <input type="checkbox" checked={p.filter.caseSensitive} onChange={(e) => p.onFilter({ caseSensitive: e.currentTarget.checked })} />
            Aa
          </label>
          <label class="opt" title="Show the frames that do not match">
            <input type="checkbox" checked={p.filter.invert} onChange={(e) => p.onFilter({ invert: e.currentTarget.checked })} />
            Invert
          </label>
          {p.onSavedFilters && (
            <button
              type="button"
              class="opt saved-toggle"
              data-testid="saved-filters"
              aria-haspopup="dialog"
              aria-label="Saved filters"
              title={p.savedShown ? `Saved filter “${p.savedShown}”: save, apply or remove filters` : 'Saved filters: save this filter, apply or remove one'}
              onClick={p.onSavedFilters}
            >
              {p.savedShown ? '★' : '☆'}
            </button>
          )}
        </form>
        <span class="spacer" />
        <button type="button" data-testid="stats-toggle" aria-pressed={p.statsOpen} onClick={p.onStats} title="Events per second, counts per channel and type, bytes, errors and findings">
          Stats
        </button>
        <button type="button" onClick={p.onImport}>
          Import…
        </button>
        {p.onExport && (
          <button type="button" onClick={p.onExport}>
            Export…
          </button>
        )}
        {p.onBlock && (
          <button type="button" data-testid="block-rules" class={p.blockingOn ? 'warn' : ''} onClick={p.onBlock} aria-haspopup="dialog" title="Keep chosen messages from the app or from the server">
            {p.blockingOn ? `Blocking (${p.blockingOn})` : 'Block…'}
          </button>
        )}
        {p.onSettings && (
          <button type="button" onClick={p.onSettings} aria-haspopup="dialog">
            Settings
          </button>
        )}
      </div>
      <div class="toolbar chips-bar">
        <span class="chips" role="group" aria-label="Message types">
          {CHIPS.map((c) => (
            <button type="button" key={c.name} class={`chip chip-${c.name}`} aria-pressed={!p.filter.hidden.has(c.name)} onClick={() => toggleChip(c.name)}>
              {c.label}
            </button>
          ))}
        </span>
        <span class="spacer" />
        {scan?.running && !scan.tail && (
          <>
            <progress class="scan-progress" aria-label="Filter progress" max={Math.max(1, scan.chunksTotal)} value={scan.chunksScanned} />
            <button type="button" onClick={p.onCancelScan}>
              Cancel
            </button>
          </>
        )}
        {scan?.cancelled && <span class="warn">Filter cancelled: matches so far are listed</span>}
        {scan?.error && <span class="error">The filter failed: {scan.error}</span>}
        {p.problems.map((m) => (
          <span class="error" key={m}>
            {m}
          </span>
        ))}
        {p.status && p.status.dropped > 0 && <span class="warn">{p.status.dropped} dropped by the page's capture buffer</span>}
        {p.status && p.status.rejected > 0 && <span class="warn">{p.status.rejected} malformed from the page, ignored</span>}
        {p.live && stopped && (
          <span class={paused ? 'warn' : 'info'} data-testid="recording-stopped" title={STOPPED_TITLE}>
            {stopped}
          </span>
        )}
        {p.live && p.status?.problem && <span class="error">{p.status.problem}</span>}
        {p.live && p.status?.notice && <span class="info">{p.status.notice}</span>}
        {p.live && !p.connected && <span class="warn">reconnecting…</span>}
        <span class="count" aria-live="polite" title="Frames shown / frames in the session">
          {p.filtered && (
            <>
              <span data-testid="shown-count">{p.shown}</span> of{' '}
            </>
          )}
          <span data-testid="record-count">{p.total}</span> frames
        </span>
        {p.onKeepMatches && p.filtered && p.shown > 0 && !(scan?.running && !scan.tail) && (
          <button type="button" data-testid="keep-matches" onClick={p.onKeepMatches} title="Store the frames this filter matches as a session of their own, to export, share or replay them without the rest">
            Keep as session
          </button>
        )}
      </div>
    </div>
  );
}
