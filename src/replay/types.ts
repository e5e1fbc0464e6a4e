// Shapes shared by the replay engine: what is replayed (items), what is sent (sends), what
// came back (outcomes) and how a run is summed up. Pure data.

/** Which of a session's messages are replayed. */
export type ReplayWhat = 'received' | 'published' | 'both';

/** Where an item came from in the original session. */
export type ItemSource = 'received' | 'ws-publish' | 'http-publish';

/**
 * One replayable message of the original session: a received `data` event (one event) or a
 * publish of the page (its events, as JSON texts).
 */
export interface ReplayItem {
  /** Position of the frame in the original session. */
  readonly pos: number;
  /** Wall-clock ms of the original frame. */
  readonly t: number;
  readonly source: ItemSource;
  /**
   * Normalised channel. A received event carries its subscription's channel, which may be
   * a `/*` pattern (data frames do not name the concrete channel).
   */
  readonly channel: string;
  readonly events: readonly string[];
  /** Why the item cannot be replayed as it is (a truncated or undecodable frame). */
  readonly problem?: string;
}

/** Where an event of a send came from (for the summary and the result session). */
export interface SentEventRef {
  readonly pos: number;
  readonly t: number;
}

/** One message handed to a target: up to its batch limit of events on one channel. */
export interface ReplaySend {
  /** 0-based number of the send within the run. */
  readonly seq: number;
  /** Target channel (after remapping). */
  readonly channel: string;
  readonly events: readonly string[];
  /** The original item of each event, in the same order. */
  readonly refs: readonly SentEventRef[];
}

export type OutcomeStatus =
  /** The service (or the page's hook) confirmed it. */
  | 'acknowledged'
  /** Handed over, with no acknowledgement expected from where it went. */
  | 'delivered'
  /** No answer in time: it may or may not have arrived. Never counted as success. */
  | 'unconfirmed'
  | 'failed';

export interface EventFailure {
  /** Index in ReplaySend.events. */
  readonly index: number;
  readonly reason: string;
}

export interface SendOutcome {
  readonly status: OutcomeStatus;
  /** Whole-send failure reason (status 'failed' or 'unconfirmed'). */
  readonly error?: string;
  /** Per-event failures of an otherwise answered send (`failed[]` of publish_success). */
  readonly failedEvents?: readonly EventFailure[];
  /** The service throttled the send: the runner backs off and sends it again. */
  readonly throttled?: boolean;
  /** What the target sent and received, for the result session (already redacted or not secret). */
  readonly wire?: WireExchange;
}

/** The texts of one exchange, recorded in the result session. */
export interface WireExchange {
  readonly kind: 'ws' | 'http' | 'inject';
  /** Endpoint URL (HTTP or WebSocket) or the page socket's URL. */
  readonly url?: string;
  /** Frames or bodies sent, in order. */
  readonly sent: readonly string[];
  /** Frames or bodies received in answer. */
  readonly received: readonly string[];
  readonly status?: number;
  /** Injection: each data frame with the page socket and subscription it was made for. */
  readonly injected?: readonly InjectedFrame[];
  readonly startedAt: number;
  readonly duration: number;
}

export interface InjectedFrame {
  readonly socketId: string;
  readonly socketUrl?: string;
  readonly subscriptionId: string;
  readonly channel: string;
  readonly frame: string;
}

export interface ReplayTarget {
  readonly kind: 'endpoint' | 'inject' | 'socket';
  /** Events per send this target takes (the service's batch limit for publishes). */
  readonly maxEventsPerSend: number;
  /** Largest event this target takes (UTF-8 bytes), when it has a limit. */
  readonly maxEventBytes?: number;
  /** Largest sum of event bytes in one send, when it has a limit. */
  readonly maxSendBytes?: number;
  /** Sends per second the destination tolerates, used by the "as fast as allowed" timing. */
  readonly maxSendsPerSecond?: number;
  /** Why a (remapped) channel cannot be sent to this target, or undefined when it can. */
  channelProblem(channel: string): string | undefined;
  send(send: ReplaySend, signal: AbortSignal): Promise<SendOutcome>;
  /** Releases connections; called once when the run ends. */
  close?(): void | Promise<void>;
}

export type ReplayState = 'idle' | 'running' | 'paused' | 'stopping' | 'completed' | 'stopped' | 'failed';

export interface ReplayCounts {
  /** Items read from the selection (one may be read ahead of its send). */
  readonly items: number;
  /** Items dealt with: sent (whatever the answer), or failed before sending. */
  readonly handled: number;
  /** Events handed to the target. */
  readonly sent: number;
  readonly acknowledged: number;
  readonly delivered: number;
  readonly unconfirmed: number;
  /** Events that failed or could not be sent (skipped before sending). */
  readonly failed: number;
  /** Sends repeated after throttling. */
  readonly retries: number;
}

export interface ReplayProgress extends ReplayCounts {
  readonly state: ReplayState;
  /** Items the selection is expected to yield, when known (for a progress bar). */
  readonly total?: number;
  /** Position in the original session of the last item dealt with. */
  readonly lastPos?: number;
}

export interface ReplaySummary extends ReplayProgress {
  readonly startedAt: number;
  readonly endedAt: number;
  /** Failure reason → number of events. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Why the run ended early (stop, or the error that ended it). */
  readonly endReason?: string;
}
