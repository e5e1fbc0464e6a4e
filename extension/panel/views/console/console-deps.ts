// What the Console's store needs from the outside world. main.tsx passes the browser's
// (browser-deps.ts); tests pass in-memory storage, node's fetch and `ws`.
import type { PageCredential } from '../../../../src/messaging/contracts.ts';
import type { FetchLike, HistoryEntry, Profile, Template, WebSocketFactory, WireEvent } from '../../../../src/pubsub/index.ts';

export interface ConsoleStorage {
  load(): Promise<{ profiles: Profile[]; templates: Template[]; history: HistoryEntry[] }>;
  saveProfiles(p: readonly Profile[]): Promise<void>;
  saveTemplates(t: readonly Template[]): Promise<void>;
  saveHistory(h: readonly HistoryEntry[]): Promise<void>;
}

export interface RecordingSink {
  record(e: WireEvent): void;
  finish(): void;
}

export interface RecordingCallbacks {
  onProblem(problem: string | null): void;
  onSession(session: { id: string; name: string }): void;
}

export interface ConsoleDeps {
  readonly storage: ConsoleStorage;
  readonly WebSocket: WebSocketFactory;
  readonly fetch: FetchLike;
  /** Null when nothing is recorded (tests that do not look at it). */
  readonly recording: ((cb: RecordingCallbacks) => RecordingSink) | null;
  /** Null when the panel inspects no tab. */
  readonly pageCredentials: (() => Promise<readonly PageCredential[]>) | null;
  readonly hostAccess: {
    patterns(httpUrl: string, realtimeUrl: string): string[];
    has(origins: readonly string[]): Promise<boolean>;
    request(origins: readonly string[]): Promise<boolean>;
  };
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly uuid?: () => string;
}
