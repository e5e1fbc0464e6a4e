// The inspector's banner for WebSockets the recording does not contain: sockets opened by a
// worker (or another context the page hook cannot reach), whose handshake only the browser
// reported, and shared workers the page started, whose sockets Chromium does not report at
// all. The session keeps each as a marked `connecting` frame; this says so up front.
// URLs are rendered as text, never as markup.
import { useMemo } from 'preact/hooks';
import { NOT_CAPTURED, WORKER_NOT_CAPTURED, type TrafficModel } from '../../../../src/traffic/index.ts';

const SHOWN = 3;

export function UncapturedNotice({ model, version, onSelect }: { model: TrafficModel | null; version: number; onSelect(pos: number): void }) {
  const found = useMemo(() => {
    const counts = model?.stats().findingsByCode;
    if (!model || !counts || !((counts[NOT_CAPTURED] ?? 0) + (counts[WORKER_NOT_CAPTURED] ?? 0))) return [];
    return model.findings(0, 100_000).filter((f) => f.code === NOT_CAPTURED || f.code === WORKER_NOT_CAPTURED);
  }, [model, version]);
  if (found.length === 0) return null;
  const workers = found.some((f) => f.code === WORKER_NOT_CAPTURED);
  const sockets = found.some((f) => f.code === NOT_CAPTURED);
  return (
    <div class="notice warning" role="status" data-testid="uncaptured-notice">
      {found.slice(0, SHOWN).map((f) => (
        <div key={f.pos}>
          <a href="#" onClick={(e) => (e.preventDefault(), onSelect(f.pos))}>
            Not captured
          </a>
          {`: ${f.message}.`}
        </div>
      ))}
      {found.length > SHOWN && <div>{`and ${found.length - SHOWN} more (their rows are marked).`}</div>}
      <div>
        The page hook cannot reach sockets opened inside workers.
        {sockets && " To see their frames, use DevTools' Network panel; to record them here, open the socket from the page itself."}
        {workers &&
          " A shared worker's sockets are not listed even there: inspect the worker itself (chrome://inspect/#workers in Chromium, about:debugging in Firefox). Firefox reports their handshakes, which then appear above; Chromium does not, so there this notice is all the recording can say."}
      </div>
    </div>
  );
}
