import { ConfigError } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';
import { defaultRetry, resolveTiming, type PipelineOptions } from './pipeline-options.js';

const base: PipelineOptions = { sources: [], processors: [], sinks: [], resolutionMs: 60_000 };

describe('resolveTiming', () => {
  it('derives offset and scrape timeout from the resolution, capped at Heapster\u2019s 5 s and 20 s', () => {
    expect(resolveTiming(base)).toEqual({
      resolutionMs: 60_000,
      scrapeOffsetMs: 5000,
      scrapeTimeoutMs: 20_000,
      stopTimeoutMs: 25_000,
      retry: defaultRetry,
    });
    expect(resolveTiming({ ...base, resolutionMs: 10_000 })).toMatchObject({ scrapeOffsetMs: 2500, scrapeTimeoutMs: 5000 });
  });

  it('lists every bad option at once', () => {
    const bad = { ...base, scrapeOffsetMs: 60_000, scrapeTimeoutMs: 0, retry: { maxAttempts: 0 }, sinks: [{ sink: { name: 's', export: () => Promise.reject(new Error('unused')) }, queueCapacity: 0 }] };
    expect(() => resolveTiming(bad)).toThrow(ConfigError);
    expect(() => resolveTiming(bad)).toThrow(
      'pipeline options: scrapeOffsetMs: must be below resolutionMs (60000), got 60000; ' +
        'scrapeTimeoutMs: must be a finite number > 0, got 0; ' +
        'retry.maxAttempts: must be an integer >= 1, got 0; ' +
        'sinks[0].queueCapacity: must be an integer >= 1, got 0',
    );
  });
});

describe('backoffDelayMs', () => {
  const retry = { initialBackoffMs: 1000, maxBackoffMs: 30_000, maxAttempts: 5 };
  it('doubles per retry up to the ceiling, with equal jitter in [base/2, base]', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, retry, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, retry, () => 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelayMs(20, retry, () => 0.5)).toBe(22_500);
  });
});
