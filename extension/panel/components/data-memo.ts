// Memoised views for the inspector's parts. The inspector view re-renders whenever any of
// the signals it reads changes (the capture status a few times a second while recording,
// the session record, the connections, the traffic model's version), and every part under
// it rendered again each time, with the same data. A part wrapped here renders only when a
// data prop changed. Event handlers (`onX` props) are new closures on every render of the
// parent but only forward to the stores, which are stable, so a new handler alone is not a
// change; any other function prop (an accessor such as `frameAt`) is data, compared by
// identity.
import { memo } from 'preact/compat';
import type { FunctionComponent } from 'preact';

const HANDLER = /^on[A-Z]/;

/** Equal when every prop but the event handlers is the same value. */
export function sameData(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  for (const k in a) {
    if (!(k in b)) return false;
    const x = a[k];
    if (x !== b[k] && !(HANDLER.test(k) && typeof x === 'function' && typeof b[k] === 'function')) return false;
  }
  for (const k in b) if (!(k in a)) return false;
  return true;
}

export function dataMemo<P extends object>(view: FunctionComponent<P>): FunctionComponent<P> {
  return memo(view, (prev, next) => sameData(prev as Record<string, unknown>, next as Record<string, unknown>));
}
