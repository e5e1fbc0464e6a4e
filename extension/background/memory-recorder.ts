// A recorder that keeps counts only; replaced by the IndexedDB recorder in src/sessions.
import type { Recorder } from './router.ts';

export function createMemoryRecorder(): Recorder {
  const sessions = new Map<number, { id: string; stored: number }>();
  const session = (tabId: number) => {
    let s = sessions.get(tabId);
    if (!s) sessions.set(tabId, (s = { id: crypto.randomUUID(), stored: 0 }));
    return s;
  };
  return {
    async append(tabId, records) {
      const s = session(tabId);
      s.stored += records.length;
      return { sessionId: s.id, stored: s.stored };
    },
    async rollSession(tabId) {
      sessions.delete(tabId);
    },
  };
}
