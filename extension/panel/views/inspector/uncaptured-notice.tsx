// The inspector's banner for WebSockets the recording does not contain: sockets opened by a
// worker (or another context the page hook cannot reach), whose handshake only the browser
// reported, and shared workers the page started, whose sockets Chromium does not report at
// all. The session keeps each as a marked `connecting` frame; this says so up front. In
// Chromium, for the tab being recorded, it also offers to capture dedicated workers' traffic
// through the debugger (worker-debugger.ts) and says while that is on.
// URLs are rendered as text, never as markup.
import { useMemo } from 'preact/hooks';
import { NOT_CAPTURED, WORKER_NOT_CAPTURED, type TrafficModel } from '../../../../src/traffic/index.ts';

const SHOWN = 3;
const CAPTURING =
  "Worker sockets are captured through Chromium's debugger (Chromium shows that it is being debugged). Sockets a worker opened before are not: reload the page to capture them from the start.";

/** The live tab's worker capture through Chromium's debugger (absent: not offered here). */
export interface WorkerCaptureControl {
  readonly on: boolean;
  readonly problem: string | null;
  set(on: boolean): void;
}

export function UncapturedNotice({
  model,
  version,
  onSelect,
  workerCapture,
}: {
  model: TrafficModel | null;
  version: number;
  onSelect(pos: number): void;
  workerCapture?: WorkerCaptureControl | null;
}) {
  const found = useMemo(() => {
    const counts = model?.stats().findingsByCode;
    if (!model || !counts || !((counts[NOT_CAPTURED] ?? 0) + (counts[WORKER_NOT_CAPTURED] ?? 0))) return [];
    return model.findings(0, 100_000).filter((f) => f.code === NOT_CAPTURED || f.code === WORKER_NOT_CAPTURED);
  }, [model, version]);
  const capturing = workerCapture?.on === true;
  const problem = workerCapture?.problem ?? null;
  const status =
    capturing || problem ? (
      <div class={`notice ${problem ? 'warning' : 'info'}`} role="status" data-testid="worker-capture">
        {problem ?? CAPTURING}{' '}
        {capturing && (
          <button type="button" class="link" onClick={() => workerCapture?.set(false)} data-testid="worker-capture-stop">
            Stop capturing worker sockets
          </button>
        )}
      </div>
    ) : null;
  if (found.length === 0) return status;
  const workers = found.some((f) => f.code === WORKER_NOT_CAPTURED);
  const sockets = found.some((f) => f.code === NOT_CAPTURED);
  const offer = workerCapture && !capturing && sockets;
  return (
    <>
      {status}
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
        {offer && (
          <div>
            <button type="button" onClick={() => workerCapture.set(true)} data-testid="worker-capture-start">
              Capture dedicated workers' sockets
            </button>
            {" through Chromium's debugger: Chromium asks for the permission once and shows that it is being debugged while this is on."}
          </div>
        )}
      </div>
    </>
  );
}
