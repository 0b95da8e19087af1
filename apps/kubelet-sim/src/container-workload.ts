/**
 * The workload model of one container: its CPU rate and memory over time, from a profile and the seed.
 *
 * CPU is piecewise constant on absolute 10-second buckets and always a whole number of millicores, and times are
 * whole milliseconds, so the cumulative counter (the integral of the rate, in core-nanoseconds: 1 millicore for
 * 1 ms is exactly 1000 core-ns) is an exact integer. Any interval's true average is therefore exact and tests
 * can compare what a scraper computes with ~0 error. Before the model's start the rate is constant, the
 * profile's base unless a history rate is given (so a container that "has been running for days" needs no history
 * walk); after it, the profile applies.
 */
import { hash32, intBetween, unitFloat } from './seeded-random.js';

export const CPU_BUCKET_MS = 10_000;
/** Core-nanoseconds accumulated by 1 millicore during 1 ms. */
export const CORE_NS_PER_MILLICORE_MS = 1000;

export type CpuProfile = 'steady' | 'bursty' | 'growing';
export type MemoryProfile = 'steady' | 'bursty' | 'growing';
export const CPU_PROFILES: readonly CpuProfile[] = ['steady', 'bursty', 'growing'];

export interface WorkloadParams {
  readonly cpuProfile: CpuProfile;
  /** Integer millicores: the steady rate, the bursty mean and the growing starting point. */
  readonly cpuBaseMillicores: number;
  /** growing: millicores added per 10 s bucket, up to `cpuCapMillicores`. */
  readonly cpuStepMillicores: number;
  readonly cpuCapMillicores: number;
  readonly memoryProfile: MemoryProfile;
  readonly memoryBaseBytes: number;
  /** growing: working-set bytes added per minute since the container (re)started, up to `memoryCapBytes`. */
  readonly memoryGrowthBytesPerMinute: number;
  readonly memoryCapBytes: number;
  /** Integer millicores before the model's start; default the base (a long-lived heavy pod sets more). */
  readonly cpuHistoryMillicores?: number;
}

/** Draws a container's parameters from the seed and its identity (50% steady, 30% bursty, 20% growing). */
export function drawWorkloadParams(seed: number, identity: string): WorkloadParams {
  const pick = unitFloat(seed, identity, 'profile');
  const cpuProfile: CpuProfile = pick < 0.5 ? 'steady' : pick < 0.8 ? 'bursty' : 'growing';
  const cpuBaseMillicores = intBetween(5, 400, seed, identity, 'cpu');
  const memPick = unitFloat(seed, identity, 'memory-profile');
  const memoryProfile: MemoryProfile = memPick < 0.6 ? 'steady' : memPick < 0.85 ? 'bursty' : 'growing';
  const memoryBaseBytes = intBetween(16, 384, seed, identity, 'memory') * 1024 * 1024;
  return {
    cpuProfile,
    cpuBaseMillicores,
    cpuStepMillicores: intBetween(1, 5, seed, identity, 'cpu-step'),
    cpuCapMillicores: cpuBaseMillicores * 4,
    memoryProfile,
    memoryBaseBytes,
    memoryGrowthBytesPerMinute: intBetween(64, 1024, seed, identity, 'memory-growth') * 1024,
    memoryCapBytes: memoryBaseBytes * 2,
  };
}

/**
 * One container's curves. `prefixCoreNs(t)` is the integral of the rate from the model start to t (negative
 * before it); bursty and growing walk buckets from a forward cursor, so the usual ever-increasing scrape times
 * cost a few buckets each, and only a query into the past restarts the walk.
 */
export class ContainerWorkload {
  readonly params: WorkloadParams;
  private readonly key: number;
  private readonly modelStartMs: number;
  private readonly firstBucket: number;
  private cursorMs: number;
  private cursorPrefix = 0;

  constructor(params: WorkloadParams, key: number, modelStartMs: number) {
    this.params = params;
    this.key = key;
    this.modelStartMs = modelStartMs;
    this.firstBucket = Math.floor(modelStartMs / CPU_BUCKET_MS);
    this.cursorMs = modelStartMs;
  }

  /** Integer millicores at t. */
  cpuRateMillicores(tMs: number): number {
    const p = this.params;
    if (tMs < this.modelStartMs) return p.cpuHistoryMillicores ?? p.cpuBaseMillicores;
    if (p.cpuProfile === 'steady') return p.cpuBaseMillicores;
    return this.bucketRate(Math.floor(tMs / CPU_BUCKET_MS));
  }

  /** Core-ns used in [fromMs, toMs] (the integral of the rate; exact for whole-millisecond bounds). */
  cpuCoreNs(fromMs: number, toMs: number): number {
    return toMs <= fromMs ? 0 : this.prefixCoreNs(toMs) - this.prefixCoreNs(fromMs);
  }

  prefixCoreNs(tMs: number): number {
    const p = this.params;
    if (tMs <= this.modelStartMs) return (p.cpuHistoryMillicores ?? p.cpuBaseMillicores) * CORE_NS_PER_MILLICORE_MS * (tMs - this.modelStartMs);
    if (p.cpuProfile === 'steady') return p.cpuBaseMillicores * CORE_NS_PER_MILLICORE_MS * (tMs - this.modelStartMs);
    if (tMs < this.cursorMs) {
      this.cursorMs = this.modelStartMs;
      this.cursorPrefix = 0;
    }
    let at = this.cursorMs;
    let prefix = this.cursorPrefix;
    for (;;) {
      const bucket = Math.floor(at / CPU_BUCKET_MS);
      const bucketEnd = (bucket + 1) * CPU_BUCKET_MS;
      const rate = this.bucketRate(bucket);
      if (bucketEnd > tMs) {
        // Keep the cursor at the start of t's bucket so the next, slightly later query resumes here.
        this.cursorMs = at;
        this.cursorPrefix = prefix;
        return prefix + rate * CORE_NS_PER_MILLICORE_MS * (tMs - at);
      }
      prefix += rate * CORE_NS_PER_MILLICORE_MS * (bucketEnd - at);
      at = bucketEnd;
    }
  }

  /** Working-set bytes at t for the instance started at `instanceStartMs`. */
  memoryWorkingSetBytes(instanceStartMs: number, tMs: number): number {
    const p = this.params;
    switch (p.memoryProfile) {
      case 'steady':
        return p.memoryBaseBytes;
      case 'bursty': {
        const u = unitFloat(this.key, 'memory', Math.floor(tMs / CPU_BUCKET_MS));
        return Math.floor(p.memoryBaseBytes * (0.8 + 0.4 * u));
      }
      case 'growing': {
        const minutes = Math.max(0, tMs - instanceStartMs) / 60_000;
        return Math.min(p.memoryCapBytes, p.memoryBaseBytes + Math.floor(p.memoryGrowthBytesPerMinute * minutes));
      }
    }
  }

  private bucketRate(bucket: number): number {
    const p = this.params;
    switch (p.cpuProfile) {
      case 'steady':
        return p.cpuBaseMillicores;
      case 'bursty':
        // Mean = base: uniform factor in [0.2, 1.8).
        return Math.max(1, Math.floor(p.cpuBaseMillicores * (0.2 + 1.6 * (hash32(this.key, 'cpu', bucket) / 0x1_0000_0000))));
      case 'growing':
        return Math.min(p.cpuCapMillicores, p.cpuBaseMillicores + p.cpuStepMillicores * Math.max(0, bucket - this.firstBucket));
    }
  }
}
