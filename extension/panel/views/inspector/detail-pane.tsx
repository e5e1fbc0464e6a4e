// The detail pane of the selected frame: facts, correlation links, lint findings, and tabs
// for the decoded tree, the raw text, the bytes and the auth it carried. Every value is page
// data rendered as text.
import { useMemo, useState } from 'preact/hooks';
import type { StoredFrame } from '../../../../src/sessions/index.ts';
import type { ComponentChildren } from 'preact';
import type { Finding } from '../../../../src/traffic/index.ts';
import { frameDetail } from './detail-model.ts';
import { JsonTree } from './json-tree.tsx';
import { copyChoices, copyText, type CopyKind } from './copy-as.ts';
import { copyToClipboard } from './clipboard.ts';
import { FindingsList, mergeFindings } from './chain-section.tsx';

type Tab = 'decoded' | 'raw' | 'binary' | 'auth';

interface Props {
  readonly frame: StoredFrame;
  /** The frame's connection as the table names it. */
  readonly connLabel?: string;
  /** The document that opened the frame's connection, when not the session's page. */
  readonly openedBy?: string;
  readonly keepSecrets: boolean;
  /** The correlation chain (chain-section.tsx), when the traffic model knows one. */
  readonly chain?: ComponentChildren;
  /** The frame's findings from the traffic model (history rules included). */
  readonly historyFindings: readonly Finding[];
  readonly onFollow: (pos: number) => void;
  readonly onClose: () => void;
  /** Hands frames to the Replay view: this one, or (with `matches`) every frame the filter matches. */
  readonly onReplay?: (scope: 'frame' | 'matches') => void;
  /** Frames the current filter matches; undefined when the table is not filtered. */
  readonly matches?: number;
  /** Opens the block rules with a rule for messages like this one (WebSocket messages only). */
  readonly onBlockLike?: () => void;
  /** Adds a filter token (a value of the decoded event: `event.room:7`) to the filter bar. */
  readonly onFilterToken?: (token: string) => void;
}

export function DetailPane({ frame, connLabel, openedBy, keepSecrets, chain, historyFindings, onFollow, onClose, onReplay, matches, onBlockLike, onFilterToken }: Props) {
  const detail = useMemo(() => frameDetail(frame, connLabel, openedBy), [frame, connLabel, openedBy]);
  const [tab, setTab] = useState<Tab>('decoded');
  const [copied, setCopied] = useState<string | null>(null);
  const findings = mergeFindings(detail.findings, historyFindings);
  const tabs: ReadonlyArray<readonly [Tab, string]> = [
    ['decoded', 'Decoded'],
    ['raw', 'Raw'],
    ['binary', 'Binary'],
    ['auth', `Auth${detail.auth.length ? ` (${detail.auth.length})` : ''}`],
  ];
  const copy = async (kind: CopyKind, label: string): Promise<void> => {
    const ok = await copyToClipboard(copyText(frame, kind));
    setCopied(ok ? `Copied as ${label}` : 'The browser refused the copy');
  };
  return (
    <section class="detail" aria-label="Frame details" data-testid="detail-pane" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div class="detail-head">
        <dl>
          {detail.facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd title={v}>{v}</dd>
            </div>
          ))}
        </dl>
        <button type="button" class="close" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </div>
      {chain}
      <FindingsList findings={findings} onFollow={onFollow} />
      <div class="detail-tabs" role="tablist" aria-label="Views of the frame">
        {tabs.map(([t, label]) => (
          <button type="button" role="tab" key={t} aria-selected={tab === t} class={tab === t ? 'selected' : ''} onClick={() => setTab(t)}>
            {label}
          </button>
        ))}
        <span class="spacer" />
        <span class="copy-as" role="group" aria-label="Copy as">
          Copy as
          {copyChoices(frame, keepSecrets).map((c) => (
            <button type="button" key={c.kind} onClick={() => void copy(c.kind, c.label)}>
              {c.label}
            </button>
          ))}
        </span>
        {copied && <span class="info" role="status">{copied}</span>}
        {onBlockLike && (frame.dir === 'send' || frame.dir === 'receive') && (
          <button type="button" data-testid="block-like" title="Add a block rule for messages of this type and direction" onClick={onBlockLike}>
            Block like this…
          </button>
        )}
        {onReplay && (
          <span class="replay-this" role="group" aria-label="Replay">
            <button type="button" data-testid="replay-this" title="Open the Replay view with this frame selected" onClick={() => onReplay('frame')}>
              Replay this
            </button>
            {matches !== undefined && matches > 0 && (
              <button type="button" data-testid="replay-matches" title="Open the Replay view with every frame the filter matches" onClick={() => onReplay('matches')}>
                Replay {matches.toLocaleString()} matches
              </button>
            )}
          </span>
        )}
      </div>
      <div class="detail-body" role="tabpanel">
        {tab === 'decoded' &&
          (detail.value !== undefined ? (
            <JsonTree value={detail.value} label="Decoded message" {...(onFilterToken ? { onFilter: onFilterToken } : {})} />
          ) : (
            <p class="muted">{frame.text === undefined ? 'This frame has no text; see Binary or the facts above.' : `Not JSON (${detail.parseProblem ?? 'unreadable'}); see Raw.`}</p>
          ))}
        {tab === 'raw' && (frame.text !== undefined ? <pre class="raw">{detail.raw}</pre> : <p class="muted">No text stored for this frame.</p>)}
        {tab === 'binary' &&
          (detail.bytes ? (
            <div class="bytes">
              <p class="muted">
                {detail.bytes.size.toLocaleString()} bytes{detail.bytes.shown < detail.bytes.size ? `; the first ${detail.bytes.shown.toLocaleString()} are shown` : ''}
              </p>
              <h3>Hex</h3>
              <pre>{detail.bytes.hex}</pre>
              <h3>Base64</h3>
              <pre>{detail.bytes.base64}</pre>
              <h3>UTF-8</h3>
              <pre>{detail.bytes.utf8}</pre>
            </div>
          ) : (
            <p class="muted">No payload.</p>
          ))}
        {tab === 'auth' &&
          (detail.auth.length === 0 ? (
            <p class="muted">This frame carries no authorization. A connection’s auth travels in its subprotocol; see the connection in the sidebar.</p>
          ) : (
            detail.auth.map((a) => (
              <div class="auth" key={a.where}>
                <h3>
                  {a.mode} — from {a.where}
                </h3>
                <p class="muted">{keepSecrets ? 'This session keeps secrets: values are as sent.' : 'Secrets are redacted (fingerprints); the session does not keep them.'}</p>
                <JsonTree value={a.headers} label="Authorization headers" />
                {a.jwt ? (
                  <>
                    <h3>JWT claims</h3>
                    <JsonTree value={a.jwt.claims} label="JWT claims" />
                  </>
                ) : (
                  a.mode.includes('COGNITO') || a.mode === 'OPENID_CONNECT' || a.mode === 'AWS_LAMBDA' ? <p class="muted">The token is redacted, so its claims were not stored.</p> : null
                )}
              </div>
            ))
          ))}
      </div>
    </section>
  );
}
