// Public API of the traffic model: StoredFrames folded into connections, subscriptions,
// publishes, correlations, findings, channels and stats. Pure; no extension APIs.

export { createTrafficModel, originOfSource, restoreTrafficModel, type TrafficModel, type TrafficModelOptions, type TrafficSnapshot } from './model.ts';
export { EXPLAIN, NOT_CAPTURED, WORKER_NOT_CAPTURED } from './findings.ts';
export { KEEPALIVE_WARNING_RATIO, LIMITS, RATE_WINDOW_S } from './state.ts';
export * from './types.ts';
