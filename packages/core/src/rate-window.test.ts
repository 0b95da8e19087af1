import { describe, expect, it } from 'vitest';
import { withChanges, type MetricSet } from './metric-set.js';
import { rateWindowMsOf, withRateWindowMs } from './rate-window.js';

const set: MetricSet = {
  key: 'namespace:a/pod:b',
  labels: {},
  metricValues: new Map(),
  labeledMetrics: [],
  collectionStartTimeMs: 0,
  entityCreateTimeMs: 0,
  scrapeTimeMs: 0,
};

describe('rate window', () => {
  it('is unknown until recorded, and survives withChanges', () => {
    expect(rateWindowMsOf(set)).toBeUndefined();
    const windowed = withRateWindowMs(set, 60_000);
    expect(rateWindowMsOf(windowed)).toBe(60_000);
    expect(rateWindowMsOf(withChanges(windowed, { labels: { x: 'y' } }))).toBe(60_000);
    expect(rateWindowMsOf(set)).toBeUndefined();
  });

  it('ignores non-positive windows', () => {
    expect(rateWindowMsOf(withRateWindowMs(set, 0))).toBeUndefined();
  });
});
