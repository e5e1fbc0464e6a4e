// The connection line with connect/disconnect, and the subscriptions: each with its
// state, counter, error and hint, and its newest events (bounded, with the count shown).
import { hintFor, type Subscription } from '../../../../src/pubsub/index.ts';
import { connectionText, formatTime, subState } from './console-model.ts';
import type { ClientEntry, ConsoleStore } from './console-store.ts';

/** Events drawn per subscription; the client keeps more, the counter counts all. */
export const SHOWN_EVENTS = 50;

function SubscriptionView({ store, entry, sub }: { store: ConsoleStore; entry: ClientEntry; sub: Subscription }) {
  const state = subState(sub, entry.client.state);
  const shown = sub.events.slice(-SHOWN_EVENTS).reverse();
  const err = sub.errors[sub.errors.length - 1];
  const hint = err ? hintFor(err, { mode: entry.mode, operation: 'subscribe' }) : undefined;
  return (
    <li class={`subscription ${state}`} data-testid="subscription" data-channel={sub.channel} data-state={state}>
      <div class="row">
        <strong class="mono">{sub.channel}</strong>
        <span class={`badge ${state}`}>{state}</span>
        <span>
          <span data-testid="sub-count">{sub.received}</span> received
        </span>
        {sub.resubscribed > 0 && <span class="info">re-subscribed {sub.resubscribed}×</span>}
        <span class="spacer" />
        {state === 'unsubscribed' || state === 'failed' ? (
          <button type="button" onClick={() => store.removeSubscription(sub)}>
            Remove
          </button>
        ) : (
          <button type="button" data-testid="sub-unsubscribe" onClick={() => store.unsubscribe(sub)}>
            Unsubscribe
          </button>
        )}
      </div>
      {err && (
        <div class="error" data-testid="sub-error">
          {sub.errors.map((e) => [e.errorType, e.errorCode, e.message].filter((x) => x !== undefined && x !== '').join(' · ')).join('; ')}
          {hint && <div class="hint">{hint}</div>}
        </div>
      )}
      {sub.received > shown.length && (
        <p class="info">
          showing last {shown.length} of {sub.received}
        </p>
      )}
      {shown.length === 0 ? (
        <p class="info">{state === 'active' ? 'Waiting for events: publish to a matching channel.' : ''}</p>
      ) : (
        <ol class="sub-events">
          {shown.map((e) => (
            <li data-testid="sub-event">
              <span class="time">{formatTime(e.at)}</span> <code>{e.text}</code>
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

export function SubscriptionsPane({ store }: { store: ConsoleStore }) {
  void store.tick.value;
  const entry = store.current();
  const state = entry?.client.state ?? { status: 'idle' as const };
  const open = state.status === 'connected' || state.status === 'connecting' || state.status === 'reconnecting';
  const subs = entry?.subs ?? [];
  return (
    <section class="console-card subscriptions-pane" aria-label="Subscriptions">
      <h3>Connection and subscriptions</h3>
      <div class="row">
        <span data-testid="conn-state" class={`conn-state ${state.status}`} role="status">
          {connectionText(state, entry?.mode ?? store.profile.draft.value.auth.mode, store.now())}
        </span>
        <span class="spacer" />
        <button type="button" data-testid="conn-connect" onClick={() => store.connect()} disabled={open}>
          Connect
        </button>
        <button type="button" data-testid="conn-disconnect" onClick={() => store.disconnect()} disabled={!open}>
          Disconnect
        </button>
      </div>
      <div class="row">
        <input
          data-testid="subscribe-channel"
          aria-label="Channel to subscribe to"
          value={store.subscribeChannel.value}
          placeholder="/default/*"
          onInput={(e) => (store.subscribeChannel.value = (e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => e.key === 'Enter' && store.subscribe()}
        />
        <button type="button" data-testid="subscribe-add" onClick={() => store.subscribe()}>
          Subscribe
        </button>
      </div>
      {subs.length === 0 ? (
        <p class="info">No subscriptions: subscribe to a channel (/default/room) or a wildcard (/default/*, /default/a/*). Several can run at once on one connection.</p>
      ) : (
        <ul class="subscriptions">
          {subs.map((s) => (
            <SubscriptionView store={store} entry={entry!} sub={s} key={s.id} />
          ))}
        </ul>
      )}
    </section>
  );
}
