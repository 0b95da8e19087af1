import { describe, expect, it } from 'vitest';
import { batchFromJson, keyReasons, parseFixtureTimeMs } from './golden-batch.js';

describe('golden batch fixtures', () => {
  it('reads ISO times with sub-millisecond fractions, epoch ms and "0" for unknown', () => {
    expect(parseFixtureTimeMs('2017-05-04T15:30:22.688799748Z')).toBeCloseTo(Date.UTC(2017, 4, 4, 15, 30, 22) + 688.799748, 6);
    expect(parseFixtureTimeMs(1_500)).toBe(1_500);
    expect(parseFixtureTimeMs('0')).toBe(0);
    expect(() => parseFixtureTimeMs('yesterday')).toThrow('not ISO-8601 UTC');
  });

  it('builds exact bigints, catalogue kinds and the recorded rate window', () => {
    const batch = batchFromJson({
      timestampMs: '2026-01-01T00:01:00Z',
      metricSets: [
        {
          key: 'namespace:a/pod:p/container:c',
          metrics: { 'cpu/usage': '18446744073709551615', 'network/rx_rate': 2.5 },
          scrapeTime: '2026-01-01T00:00:59Z',
          rateWindowMs: 15_000,
        },
      ],
    });
    const set = batch.metricSets.get('namespace:a/pod:p/container:c');
    expect(set?.metricValues.get('cpu/usage')).toEqual({ kind: 'int', type: 'cumulative', value: 18446744073709551615n });
    expect(set?.metricValues.get('network/rx_rate')).toEqual({ kind: 'float', type: 'gauge', value: 2.5 });
    expect(set?.labels).toMatchObject({ type: 'pod_container', pod_name: 'p' });
    expect(set?.rateWindowMs).toBe(15_000);
  });

  it('compares diagnostics by key and reason only, in any order', () => {
    expect(keyReasons([{ key: 'b', reason: 'first-sample', detail: 'x' } as never, { key: 'a', reason: 'counter-reset' }])).toEqual([
      { key: 'a', reason: 'counter-reset' },
      { key: 'b', reason: 'first-sample' },
    ]);
  });
});
