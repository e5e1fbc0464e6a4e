// The Replay view: replay a stored session (received events, page publishes or both) to an
// endpoint, into the inspected page as incoming data, or on the page's socket, with timing
// and channel remapping; then compare the result with the original.
import { useEffect, useState } from 'preact/hooks';
import type { ReplayWhat } from '../../../../src/replay/index.ts';
import { ComparePane } from './compare-pane.tsx';
import { SessionPicker, WhatPicker } from './pickers.tsx';
import type { TargetKind, TimingMode } from './replay-form.ts';
import type { ReplayStore } from './replay-store.ts';
import { RunPanel } from './run-panel.tsx';
import { originNames } from './replay-host-access.ts';
import './replay.css';

const TARGETS: readonly { value: TargetKind; text: string; hint: string }[] = [
  { value: 'endpoint', text: 'Publish to an endpoint', hint: 'Publish with an endpoint profile (any auth mode), over HTTP or a WebSocket, to an AppSync Events API or the local emulator.' },
  { value: 'inject', text: 'Inject into the page', hint: 'Delivered to the page’s live subscriptions as incoming data; no network.' },
  { value: 'socket', text: 'Send on the page’s socket', hint: 'The page’s own socket publishes the events.' },
];

const TIMINGS: readonly { value: TimingMode; text: string }[] = [
  { value: 'original', text: 'Original gaps' },
  { value: 'speed', text: '× speed' },
  { value: 'rate', text: 'Fixed rate' },
  { value: 'fast', text: 'As fast as allowed' },
];

export function ReplayView({ store }: { store: ReplayStore }) {
  const [pane, setPane] = useState<'replay' | 'compare'>('replay');
  useEffect(() => {
    void store.refresh();
  }, [store]);
  const f = store.form.value;
  const sessions = store.sessions.value;
  const busy = store.run.value !== null && store.run.value.summary === undefined;
  const subs = store.subscriptions.value;
  return (
    <div class="view replay" data-testid="replay-view">
      <div class="toolbar">
        <div class="seg" role="tablist" aria-label="Replay or compare">
          <button type="button" role="tab" aria-selected={pane === 'replay'} class={pane === 'replay' ? 'selected' : ''} onClick={() => setPane('replay')}>
            Replay
          </button>
          <button type="button" role="tab" aria-selected={pane === 'compare'} class={pane === 'compare' ? 'selected' : ''} data-testid="compare-tab" onClick={() => setPane('compare')}>
            Compare
          </button>
        </div>
        <span class="spacer" />
        <button type="button" title="Read the stored sessions, the endpoint profiles and the page's sockets again" onClick={() => void store.refresh()}>
          Refresh
        </button>
      </div>
      {pane === 'compare' ? (
        <ComparePane store={store.compare} sessions={sessions} />
      ) : sessions.length === 0 ? (
        <p class="empty" data-testid="replay-empty">
          No stored session to replay yet. Record one in the Inspector tab (open this panel in DevTools on a page that uses AppSync Events) or import one in Sessions, then come back here.
        </p>
      ) : (
        <div class="replay-body">
          <form
            class="replay-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              // The permission prompt needs this click: ask first, then start once granted.
              const access = store.hostAccess.value;
              if (f.target === 'endpoint' && access && !access.granted) void store.grantAccess().then(() => store.start());
              else void store.start();
            }}
          >
            <fieldset>
              <legend>What</legend>
              <SessionPicker label="Session" sessions={sessions} value={f.sessionId} onChange={(sessionId) => store.update({ sessionId, positions: [] })} testId="replay-session" />
              <WhatPicker name="what" value={f.what} onChange={(what: ReplayWhat) => store.update({ what })} />
              <label>
                Only channels <input type="text" data-testid="replay-channels" placeholder="/default/orders/*, /default/chat" value={f.channels} onInput={(e) => store.update({ channels: e.currentTarget.value })} />
              </label>
              {f.positions.length > 0 && (
                <p class="hint" data-testid="replay-positions">
                  Only the {f.positions.length.toLocaleString()} frame{f.positions.length === 1 ? '' : 's'} picked in the inspector. <button type="button" class="link" onClick={() => store.update({ positions: [] })}>Replay the whole session</button>
                </p>
              )}
            </fieldset>
            <fieldset>
              <legend>Target</legend>
              {TARGETS.map((t) => (
                <label title={t.hint}>
                  <input type="radio" name="target" value={t.value} checked={f.target === t.value} onChange={() => store.update({ target: t.value })} /> {t.text}
                </label>
              ))}
              {f.target === 'endpoint' && (
                <>
                  {store.profiles.value.length === 0 ? (
                    <p class="hint" data-testid="replay-no-profiles">
                      No endpoint profile yet. Add one in the Console (endpoint and auth: API key, Cognito, OIDC, Lambda or IAM); replay publishes with it.
                    </p>
                  ) : (
                    <label>
                      Profile{' '}
                      <select data-testid="replay-profile" value={f.profileId} onChange={(e) => store.update({ profileId: e.currentTarget.value })}>
                        {store.profiles.value.map((p) => (
                          <option value={p.id}>
                            {p.name || p.httpUrl || p.realtimeUrl} · {p.auth.mode}
                          </option>
                        ))}
                      </select>
                    </label>
                  )}
                  {store.profilesProblem.value && <p class="error">{store.profilesProblem.value}</p>}
                  <HostAccessLine store={store} />
                  {store.profiles.value.length > 0 && (
                  <span class="radio-group" role="radiogroup" aria-label="Publish over">
                    <label title="One POST /event per publish">
                      <input type="radio" name="transport" value="http" checked={f.transport === 'http'} onChange={() => store.update({ transport: 'http' })} /> over HTTP
                    </label>
                    <label title="One WebSocket for the whole replay; each publish waits for its publish_success">
                      <input type="radio" name="transport" value="ws" checked={f.transport === 'ws'} onChange={() => store.update({ transport: 'ws' })} /> over a WebSocket
                    </label>
                  </span>
                  )}
                </>
              )}
              {f.target === 'inject' && (
                <p class="hint" data-testid="replay-subscriptions">
                  {subs.length === 0
                    ? 'The page has no live subscription yet: injected events need one whose channel covers them.'
                    : `Live subscriptions: ${subs.map((s) => s.channel).join(', ')}`}
                </p>
              )}
              {f.target === 'socket' && (
                <>
                  <label>
                    Page socket{' '}
                    <select value={f.socketId} onChange={(e) => store.update({ socketId: e.currentTarget.value })}>
                      <option value="">(pick a socket)</option>
                      {store.sockets.value.map((s) => (
                        <option value={s.socketId}>{s.url}</option>
                      ))}
                    </select>
                  </label>
                  <label>
                    API key for each publish <input type="password" autocomplete="off" placeholder="empty: the page’s own credential" value={f.apiKey} onInput={(e) => store.update({ apiKey: e.currentTarget.value })} />
                  </label>
                </>
              )}
            </fieldset>
            <fieldset>
              <legend>Timing</legend>
              {TIMINGS.map((t) => (
                <label>
                  <input type="radio" name="timing" value={t.value} checked={f.timing === t.value} onChange={() => store.update({ timing: t.value, ...(t.value === 'fast' ? { merge: true } : {}) })} /> {t.text}
                </label>
              ))}
              {f.timing === 'speed' && (
                <label>
                  Speed × <input type="number" min="0.01" step="any" value={f.speed} onInput={(e) => store.update({ speed: e.currentTarget.value })} />
                </label>
              )}
              {f.timing === 'rate' && (
                <label>
                  Sends per second <input type="number" min="0.01" step="any" value={f.rate} onInput={(e) => store.update({ rate: e.currentTarget.value })} />
                </label>
              )}
              <label title="Up to five events per publish, within 240 KB per event">
                <input type="checkbox" data-testid="replay-merge" checked={f.merge} onChange={(e) => store.update({ merge: e.currentTarget.checked })} /> Batch consecutive events (up to 5 per publish)
              </label>
            </fieldset>
            <fieldset>
              <legend>Remap channels</legend>
              <textarea data-testid="replay-remap" rows={3} placeholder={'/default/orders/* -> /staging/orders/*\none rule per line: from -> to (or →)'} value={f.remap} onInput={(e) => store.update({ remap: e.currentTarget.value })} />
            </fieldset>
            <div class="replay-actions">
              <button type="submit" data-testid="replay-start" disabled={busy}>
                Start replay
              </button>
            </div>
            {store.problems.value.length > 0 && (
              <ul class="replay-problems error" role="alert" data-testid="replay-problems">
                {store.problems.value.map((p) => (
                  <li>{p}</li>
                ))}
              </ul>
            )}
          </form>
          <RunPanel
            store={store}
            onCompare={() => {
              store.compareWithOriginal();
              setPane('compare');
            }}
          />
        </div>
      )}
    </div>
  );
}

/** A custom domain needs the user's grant; it is asked for here, not in another view. */
function HostAccessLine({ store }: { store: ReplayStore }) {
  const access = store.hostAccess.value;
  if (!access || access.granted) return null;
  const names = originNames(access.origins);
  return (
    <p class="hint warn" data-testid="replay-host-access">
      {access.refused ? `Access to ${names} was not granted, so the replay cannot reach it. ` : `The extension may not reach ${names} yet. `}
      <button type="button" data-testid="replay-grant" title="The browser asks you to allow the extension on this site" onClick={() => void store.grantAccess()}>
        Grant access to {names}
      </button>
    </p>
  );
}
