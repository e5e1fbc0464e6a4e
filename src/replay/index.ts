// Public surface of the replay engine: selection, remapping, planning, schedules, the run,
// targets, the result session and compare. Pure TypeScript: no extension APIs.

export * from './types.ts';
export { systemClock, createFakeClock, type Clock, type FakeClock } from './clock.ts';
export { selectItems, itemOfFrame, estimateItems, type SelectOptions } from './select.ts';
export { compileRemap, remapChannel, parseRemapText, type RemapRule, type CompiledRule, type CompiledRemap } from './remap.ts';
export { planSends, type Planned, type PlanOptions } from './batch.ts';
export { createScheduler, backoffMs, timingProblem, mergeSpanFor, type Timing, type Scheduler } from './schedule.ts';
export { startReplay, type ReplayOptions, type ReplayRun } from './runner.ts';
export {
  injectTarget,
  socketTarget,
  reusableAuthorization,
  SOCKET_ACK_TIMEOUT_MS,
  endpointTarget,
  subscriptionsFor,
  isThrottle,
  type PageCommands,
  type CommandAnswer,
  type PublishClient,
  type PublishAnswer,
  type SocketAcks,
} from './targets.ts';
export { liveSubscriptions, SubscriptionTracker, type LiveSubscription } from './live-subscriptions.ts';
export { ResultRecords } from './result-records.ts';
export { createResultSession, type ResultSession, type ResultSessionOptions } from './result-session.ts';
export { canonicalEvent, eventKey, hash53, parseIgnoreFields, type IgnoreFields } from './canonical.ts';
export { compareItems, compareEvents, rowAt, SideBuilder, type CompareOptions, type CompareResult, type CompareCounts, type Row, type RowStatus, type SideEvents } from './compare.ts';
export { buildReport, REPORT_FORMAT, REPORT_VERSION, type CompareReport, type Difference, type Describe, type SideInfo } from './report.ts';
export { profilePublishClient, answerOf, type ProfileClientOptions } from './profile-client.ts';
export { AckWatch, ackOf, type AckLookup, type PageAck } from './ack-watch.ts';
