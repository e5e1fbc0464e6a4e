// Stopping with the parent process. Node has no PR_SET_PDEATHSIG, and a parent killed
// outright (SIGKILL, a crash) forwards no signal, so the only sign is being re-parented.

/** Calls `onOrphaned` once when this process's parent changes (checked every 250 ms). */
export function watchParent(onOrphaned: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
