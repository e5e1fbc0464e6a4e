// The profile form: name, endpoints (either derives the other; the derived one is shown),
// auth mode and its credentials, "remember secrets", JWT claims, the problems the engine
// finds, "use this page's endpoint" and the host permission prompt for custom domains.
// A saved profile whose form is unchanged folds to one line (name · host · auth mode · Edit)
// so the publish and subscription panes fit on screen with it.
import { useState } from 'preact/hooks';
import { CONSOLE_AUTH_MODES, jwtInfo, modeLabel, resolveEndpoints, type AuthConfig } from '../../../../src/pubsub/index.ts';
import { endpointHint, isCustomDomain, withUrls } from './console-model.ts';
import type { CredentialField, ProfileStore } from './profile-store.ts';

const FIELDS: Record<AuthConfig['mode'], ReadonlyArray<{ field: CredentialField; label: string; secret: boolean; placeholder?: string }>> = {
  API_KEY: [{ field: 'apiKey', label: 'API key', secret: true, placeholder: 'da2-…' }],
  AMAZON_COGNITO_USER_POOLS: [{ field: 'jwt', label: 'JWT (ID or access token)', secret: true, placeholder: 'eyJ…' }],
  OPENID_CONNECT: [{ field: 'jwt', label: 'JWT from the OIDC issuer', secret: true, placeholder: 'eyJ…' }],
  AWS_LAMBDA: [{ field: 'token', label: 'Authorization token', secret: true }],
  AWS_IAM: [
    { field: 'accessKeyId', label: 'Access key id', secret: false, placeholder: 'AKIA…' },
    { field: 'secretAccessKey', label: 'Secret access key', secret: true },
    { field: 'sessionToken', label: 'Session token (optional)', secret: true },
    { field: 'region', label: 'Region (optional for AppSync domains)', secret: false, placeholder: 'us-east-1' },
  ],
};

function jwtOf(auth: AuthConfig): string | null {
  return auth.mode === 'AMAZON_COGNITO_USER_POOLS' || auth.mode === 'OPENID_CONNECT' ? auth.jwt : null;
}

function JwtExpired({ expiresAt }: { expiresAt: number | undefined }) {
  return (
    <p class="error" data-testid="jwt-expired" role="alert">
      This token expired {expiresAt ? new Date(expiresAt).toLocaleString() : ''}: the service will answer 401 Unauthorized. Paste a fresh one.
    </p>
  );
}

function JwtClaims({ token, now }: { token: string; now: number }) {
  if (!token.trim()) return null;
  const info = jwtInfo(token.replace(/^Bearer\s+/i, ''), now);
  if (!info) return <p class="warn">This does not look like a JWT (three base64url parts): the service will likely refuse it.</p>;
  return (
    <div class="jwt">
      {info.expired && <JwtExpired expiresAt={info.expiresAt} />}
      {!info.expired && info.expiresAt !== undefined && <p class="info">Expires {new Date(info.expiresAt).toLocaleString()}.</p>}
      <details open>
        <summary>Claims{info.issuer ? ` · issuer ${info.issuer}` : ''}{info.use ? ` · ${info.use} token` : ''}</summary>
        <pre data-testid="jwt-claims">{JSON.stringify(info.claims, null, 2)}</pre>
      </details>
    </div>
  );
}

export function ProfileEditor({ store, now }: { store: ProfileStore; now: number }) {
  const d = store.draft.value;
  const r = store.resolution.value;
  const urls = withUrls(d);
  const found = resolveEndpoints(urls.httpUrl, urls.realtimeUrl);
  const ends = 'problem' in found ? null : found;
  const saved = store.profiles.value.some((p) => p.id === d.id);
  const auth = d.auth as unknown as Record<string, string | undefined>;
  const [editing, setEditing] = useState(false);
  if (saved && r.ok && !store.dirty.value && !editing) return <ProfileSummary store={store} now={now} onEdit={() => setEditing(true)} />;
  const httpHint = ends ? endpointHint(d.httpUrl, ends.httpUrl) : null;
  const realtimeHint = ends ? endpointHint(d.realtimeUrl, ends.realtimeUrl) : null;
  return (
    <section class="console-card profile-editor" aria-label="Endpoint profile">
      <div class="row">
        <ProfilePicker store={store} />
        <button type="button" onClick={() => store.useEmulator()} title="Fill the form for `npm run emulator` on this machine">
          Local emulator
        </button>
        {store.canUsePage && (
          <button type="button" data-testid="use-page-endpoint" onClick={() => void store.usePageEndpoint()}>
            Use this page's endpoint
          </button>
        )}
        {store.pageChoices.value.length > 1 && (
          <select data-testid="page-endpoint-picker" aria-label="Page connection" onChange={(e) => store.fillFromPage((e.currentTarget as HTMLSelectElement).value)}>
            {store.pageChoices.value.map((c) => (
              <option value={c.connection}>
                {c.kind === 'websocket' ? 'WebSocket' : 'HTTP'} {c.url}
                {c.open ? ' (open)' : ''}
              </option>
            ))}
          </select>
        )}
      </div>
      {store.pageNote.value && <p class="info">{store.pageNote.value}</p>}
      <div class="grid">
        <label>
          Name
          <input data-testid="profile-name" value={d.name} placeholder="My API" onInput={(e) => store.setDraft({ ...d, name: (e.currentTarget as HTMLInputElement).value })} />
        </label>
        <label>
          HTTP domain or URL
          <input
            data-testid="profile-http"
            value={d.httpUrl}
            placeholder={ends && !d.httpUrl.trim() ? ends.httpUrl : 'abc.appsync-api.us-east-1.amazonaws.com'}
            onInput={(e) => store.setDraft({ ...d, httpUrl: (e.currentTarget as HTMLInputElement).value })}
          />
          {httpHint && <span class="derived">{httpHint}</span>}
        </label>
        <label>
          Real-time domain or URL
          <input
            data-testid="profile-realtime"
            value={d.realtimeUrl}
            placeholder={ends && !d.realtimeUrl.trim() ? ends.realtimeUrl : 'abc.appsync-realtime-api.us-east-1.amazonaws.com'}
            onInput={(e) => store.setDraft({ ...d, realtimeUrl: (e.currentTarget as HTMLInputElement).value })}
          />
          {realtimeHint && <span class="derived">{realtimeHint}</span>}
        </label>
        <label>
          Auth mode
          <select data-testid="profile-auth" value={d.auth.mode} onChange={(e) => store.setMode((e.currentTarget as HTMLSelectElement).value as AuthConfig['mode'])}>
            {CONSOLE_AUTH_MODES.map((m) => (
              <option value={m}>{modeLabel(m)}</option>
            ))}
          </select>
        </label>
        {FIELDS[d.auth.mode].map((f) => (
          <label>
            {f.label}
            <input
              data-testid={`cred-${f.field}`}
              type={(f.secret ? 'password' : 'text') as 'text'}
              autocomplete="off"
              spellcheck={false}
              value={auth[f.field] ?? ''}
              placeholder={f.placeholder ?? ''}
              onInput={(e) => store.setCredential(f.field, (e.currentTarget as HTMLInputElement).value)}
            />
          </label>
        ))}
      </div>
      {(d.auth.mode === 'AMAZON_COGNITO_USER_POOLS' || d.auth.mode === 'OPENID_CONNECT') && <JwtClaims token={d.auth.jwt} now={now} />}
      <div class="row">
        <label class="check">
          <input type="checkbox" data-testid="profile-remember" checked={d.remember} onChange={(e) => store.setDraft({ ...d, remember: (e.currentTarget as HTMLInputElement).checked })} />
          Remember secrets (stored in extension storage; otherwise kept in memory until the browser closes)
        </label>
        <span class="spacer" />
        {saved && (
          <button type="button" onClick={() => void store.remove(d.id)}>
            Delete
          </button>
        )}
        <button
          type="button"
          class="primary"
          data-testid="profile-save"
          onClick={() => {
            setEditing(false);
            void store.save();
          }}
        >
          {saved ? 'Save' : 'Save profile'}
        </button>
      </div>
      {store.dirty.value && saved && <p class="info">Unsaved changes: connect and publish use the form as it is.</p>}
      {store.notice.value && <p class="info" role="status">{store.notice.value}</p>}
      {!r.ok && (
        // An untouched form lists what it needs as guidance, not in red: nothing is wrong yet.
        <ul class={`problems ${!saved && !d.httpUrl.trim() && !d.realtimeUrl.trim() ? 'info' : 'error'}`} data-testid="profile-problems">
          {r.problems.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      )}
      {r.ok && isCustomDomain(r.profile.custom, r.profile.httpHost) && <p class="info">Custom domain{r.profile.region ? ` · region ${r.profile.region}` : ''}.</p>}
      <HostAccess store={store} />
    </section>
  );
}

function ProfilePicker({ store }: { store: ProfileStore }) {
  const d = store.draft.value;
  const saved = store.profiles.value.some((p) => p.id === d.id);
  return (
    <label>
      Profile{' '}
      <select data-testid="profile-picker" value={saved ? d.id : ''} onChange={(e) => store.pick((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">New profile…</option>
        {store.profiles.value.map((p) => (
          <option value={p.id}>{p.name}</option>
        ))}
      </select>
    </label>
  );
}

/** The saved, unchanged profile on one line; Edit (or picking "New profile…") unfolds the form. */
function ProfileSummary({ store, now, onEdit }: { store: ProfileStore; now: number; onEdit: () => void }) {
  const d = store.draft.value;
  const r = store.resolution.value;
  const jwt = jwtOf(d.auth);
  const info = jwt ? jwtInfo(jwt.replace(/^Bearer\s+/i, ''), now) : null;
  return (
    <section class="console-card profile-editor folded" aria-label="Endpoint profile" data-testid="profile-summary">
      <div class="row">
        <ProfilePicker store={store} />
        <span class="summary" title={r.ok ? r.profile.httpUrl : ''}>
          <strong>{d.name || 'Unnamed'}</strong>
          <span class="sep"> · </span>
          <span class="mono">{r.ok ? r.profile.httpHost : ''}</span>
          <span class="sep"> · </span>
          {modeLabel(d.auth.mode)}
          {r.ok && isCustomDomain(r.profile.custom, r.profile.httpHost) && (
            <>
              <span class="sep"> · </span>custom domain{r.profile.region ? ` (${r.profile.region})` : ''}
            </>
          )}
        </span>
        <span class="spacer" />
        <button type="button" data-testid="profile-edit" onClick={onEdit} aria-label="Edit the profile">
          Edit
        </button>
      </div>
      {info?.expired && <JwtExpired expiresAt={info.expiresAt} />}
      {store.notice.value && <p class="info" role="status">{store.notice.value}</p>}
      <HostAccess store={store} />
    </section>
  );
}

function HostAccess({ store }: { store: ProfileStore }) {
  const host = store.hostAccess.value;
  if (!host || host.granted) return null;
  return (
    <div class="host-access" data-testid="host-access" role="alert">
      <p>
        The browser has not given this extension access to {host.origins.join(', ')}. AppSync's own domains and this machine need no permission; a custom domain does, or its requests
        fail. Granting asks the browser for this domain only.
      </p>
      <button type="button" data-testid="host-access-grant" onClick={() => void store.grantHostAccess()}>
        Allow access to {host.origins.join(', ')}
      </button>
    </div>
  );
}
