/**
 * How much CPU history the served counters carry when the simulator starts. `small` (the default) is the original
 * model: nodes booted 1–48 h ago and pods a few hours old, so every `usageCoreNanoSeconds` stays below 10^15.
 * `realistic` gives nodes the uptime of a long-lived cluster, so the node counter starts at ~1–5 × 10^15 (16 digits,
 * as on a busy node after about a day) and a seeded share of the nodes runs one long-lived heavy pod whose counters
 * exceed 2^53 (what a decoder must read without rounding). Everything stays a pure function of the seed.
 *
 * All served counters stay multiples of 1000 core-ns below 2^56, so they are exact doubles and `JSON.stringify`
 * spells them as the exact integers (a shorter spelling would be ≥ 1000 away from the value, and doubles are at
 * most 8 apart there).
 */
import { intBetween, unitFloat } from './seeded-random.js';

export type CounterStart = 'small' | 'realistic';
export const COUNTER_STARTS: readonly CounterStart[] = ['small', 'realistic'];
/** Default share of nodes with one pod whose counters start above 2^53 (realistic counters only). */
export const DEFAULT_BIG_COUNTER_FRACTION = 0.05;

export const MAX_SAFE_COUNTER = 2 ** 53 - 1;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface CounterHistory {
  readonly start: CounterStart;
  /** realistic: the share of nodes (seeded) whose first pod has counters above 2^53. */
  readonly bigCounterFraction: number;
}

/** How long before the simulator started the node booted. */
export function nodeUptimeMs(history: CounterHistory, seed: number, nodeName: string): number {
  if (history.start === 'small') return intBetween(3600, 48 * 3600, seed, nodeName, 'boot') * 1000;
  return intBetween(20 * 24, 60 * 24, seed, nodeName, 'boot-realistic') * HOUR_MS;
}

/** How long before the simulator started a pod was created (pods are younger than any node). */
export function podAgeMs(history: CounterHistory, seed: number, podIndex: number): number {
  if (history.start === 'small') return intBetween(60, 6 * 3600, seed, 'pod-age', podIndex) * 1000;
  return intBetween(3600, 2 * 24 * 3600, seed, 'pod-age-realistic', podIndex) * 1000;
}

/**
 * realistic only: the node counter the node should show when the simulator starts, 1–5 × 10^15 core-ns. The part
 * its live pods and overhead do not explain is CPU of pods that ran and were deleted before then.
 */
export function nodeCounterTargetCoreNs(history: CounterHistory, seed: number, nodeName: string): number | undefined {
  if (history.start === 'small') return undefined;
  return intBetween(1_000_000, 5_000_000, seed, nodeName, 'node-counter') * 1_000_000_000;
}

export interface BigCounterPod {
  readonly ageMs: number;
  /** The pod cgroup's counter when the simulator starts: 2^53 × (1.01–1.20). */
  readonly targetCoreNs: number;
}

/** realistic only: whether the node runs a long-lived heavy pod whose counters exceed 2^53, and its shape. */
export function bigCounterPod(history: CounterHistory, seed: number, nodeName: string, nodeUptime: number): BigCounterPod | undefined {
  if (history.start === 'small' || !(unitFloat(seed, nodeName, 'big-counter') < history.bigCounterFraction)) return undefined;
  const excess = intBetween(1, 20, seed, nodeName, 'big-counter-excess') / 100;
  return { ageMs: nodeUptime - DAY_MS, targetCoreNs: Math.ceil(MAX_SAFE_COUNTER * (1 + excess)) };
}
