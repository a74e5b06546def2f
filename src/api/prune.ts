/**
 * Plan and prune: what to evict to meet a target (oldest use first, after temp files,
 * orphans and unusable entries), and the run that evicts it (or only plans, `dryRun`).
 */

/** Evicts until every target is met; with `dryRun`, returns the plan and deletes nothing. */
export { prune } from '../core/prune/prune.js';
export type { PruneOptions, PruneResult, Victim, EvictReason, ReasonTally } from '../core/prune/types.js';
/** The eviction order for a Snapshot and targets (what prune would delete, in order). */
export { buildPlan, type Plan, type PlanInput, type PlanStep } from '../core/prune/plan.js';
/** Whether a run met its targets, and if not the one reason why. */
export { judgeOutcome, type Miss, type MissReason } from '../core/prune/outcome.js';

// A run's metrics, as a Prometheus node-exporter textfile.
/** Renders, writes and reads back a prune's metrics file; `runSucceeded` is its success rule. */
export { renderPromText, writePromFile, readLastSuccess, runSucceeded, type PromExtra } from '../core/metrics/promFile.js';
