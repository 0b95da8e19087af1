import { describe, expect, it } from 'vitest';
import { CORE_NS_PER_MILLICORE_MS, CPU_BUCKET_MS, ContainerWorkload, drawWorkloadParams, type WorkloadParams } from './container-workload.js';

const MODEL_START = Date.UTC(2024, 0, 1, 0, 0, 3); // deliberately not on a bucket boundary

function params(overrides: Partial<WorkloadParams>): WorkloadParams {
  return {
    cpuProfile: 'steady',
    cpuBaseMillicores: 250,
    cpuStepMillicores: 2,
    cpuCapMillicores: 1000,
    memoryProfile: 'steady',
    memoryBaseBytes: 100 * 1024 * 1024,
    memoryGrowthBytesPerMinute: 1024 * 1024,
    memoryCapBytes: 200 * 1024 * 1024,
    ...overrides,
  };
}

describe('ContainerWorkload', () => {
  it('integrates a steady rate exactly: 250m for 60 s is 15e9 core-ns', () => {
    const w = new ContainerWorkload(params({}), 1, MODEL_START);
    expect(w.cpuCoreNs(MODEL_START + 1000, MODEL_START + 61_000)).toBe(15_000_000_000);
    // Before the model start the base rate applies as well (no history walk for old containers).
    expect(w.cpuCoreNs(MODEL_START - 3_600_000, MODEL_START)).toBe(250 * CORE_NS_PER_MILLICORE_MS * 3_600_000);
  });

  it('bursty: the integral is the sum of whole-millicore buckets, an exact integer, and averages near the base', () => {
    const w = new ContainerWorkload(params({ cpuProfile: 'bursty' }), 42, MODEL_START);
    let manual = 0;
    const from = MODEL_START + 5_000;
    const to = MODEL_START + 10 * CPU_BUCKET_MS + 7_000;
    for (let t = from; t < to; t += 1000) manual += w.cpuRateMillicores(t) * CORE_NS_PER_MILLICORE_MS * 1000;
    const integral = w.cpuCoreNs(from, to);
    expect(integral).toBe(manual);
    expect(Number.isInteger(integral)).toBe(true);
    const rates = new Set(Array.from({ length: 30 }, (_, i) => w.cpuRateMillicores(MODEL_START + i * CPU_BUCKET_MS)));
    expect(rates.size).toBeGreaterThan(5);
    const day = w.cpuCoreNs(MODEL_START, MODEL_START + 86_400_000) / (CORE_NS_PER_MILLICORE_MS * 86_400_000);
    expect(day).toBeGreaterThan(250 * 0.9);
    expect(day).toBeLessThan(250 * 1.1);
  });

  it('gives the same prefix whether queried forward (cursor) or after going back in time', () => {
    const w = new ContainerWorkload(params({ cpuProfile: 'bursty' }), 7, MODEL_START);
    const forward = [1, 15, 16, 45, 120].map((s) => w.prefixCoreNs(MODEL_START + s * 1000));
    const fresh = new ContainerWorkload(params({ cpuProfile: 'bursty' }), 7, MODEL_START);
    const backward = [120, 45, 16, 15, 1].map((s) => fresh.prefixCoreNs(MODEL_START + s * 1000)).reverse();
    expect(backward).toEqual(forward);
  });

  it('growing: the rate steps up per bucket until the cap', () => {
    const w = new ContainerWorkload(params({ cpuProfile: 'growing', cpuBaseMillicores: 100, cpuStepMillicores: 10, cpuCapMillicores: 130 }), 3, Date.UTC(2024, 0, 1));
    const start = Date.UTC(2024, 0, 1);
    expect([0, 1, 2, 3, 4, 10].map((b) => w.cpuRateMillicores(start + b * CPU_BUCKET_MS))).toEqual([100, 110, 120, 130, 130, 130]);
  });

  it('memory: steady is constant, growing grows from the instance start and resets with it', () => {
    const steady = new ContainerWorkload(params({}), 1, MODEL_START);
    expect(steady.memoryWorkingSetBytes(MODEL_START, MODEL_START + 999_999)).toBe(100 * 1024 * 1024);
    const growing = new ContainerWorkload(params({ memoryProfile: 'growing' }), 1, MODEL_START);
    expect(growing.memoryWorkingSetBytes(MODEL_START, MODEL_START + 120_000)).toBe(102 * 1024 * 1024);
    expect(growing.memoryWorkingSetBytes(MODEL_START + 120_000, MODEL_START + 120_000)).toBe(100 * 1024 * 1024);
    expect(growing.memoryWorkingSetBytes(MODEL_START, MODEL_START + 86_400_000)).toBe(200 * 1024 * 1024);
  });

  it('draws the same parameters for the same seed and identity, different ones otherwise', () => {
    expect(drawWorkloadParams(1, 'ns/pod/c')).toEqual(drawWorkloadParams(1, 'ns/pod/c'));
    expect(drawWorkloadParams(1, 'ns/pod/c')).not.toEqual(drawWorkloadParams(2, 'ns/pod/c'));
    const profiles = new Set(Array.from({ length: 50 }, (_, i) => drawWorkloadParams(1, `c${i}`).cpuProfile));
    expect(profiles).toEqual(new Set(['steady', 'bursty', 'growing']));
  });
});
