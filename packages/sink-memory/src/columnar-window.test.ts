import { batchOf, floatValue, intValue, LabelKeys, Metrics, type MetricSet, type MetricValue } from '@kubestats/core';
import { buildBatch, podContainerSet, sampleBatch } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { ColumnarWindow, sameLabels } from './columnar-window.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const big = 2n ** 62n + 7n;

function fullSet(overrides: Partial<MetricSet> = {}): MetricSet {
  return {
    key: 'namespace:prod/pod:web-1/container:web',
    labels: { [LabelKeys.type]: 'pod_container', [LabelKeys.podName]: 'web-1' },
    metricValues: new Map<string, MetricValue>([
      [Metrics.cpuUsage.name, intValue(big, 'cumulative')],
      [Metrics.memoryUsage.name, intValue(-5n)],
      ['custom/ratio', floatValue(Number.NaN)],
      ['custom/small', floatValue(-0.125, 'cumulative')],
    ]),
    labeledMetrics: [
      { name: Metrics.filesystemUsage.name, labels: { [LabelKeys.resourceId]: '/' }, value: intValue(3n) },
      { name: Metrics.filesystemUsage.name, labels: { [LabelKeys.resourceId]: '/data' }, value: intValue(4n) },
    ],
    collectionStartTimeMs: T0 - 1000,
    entityCreateTimeMs: T0 - 2000,
    scrapeTimeMs: T0 - 3,
    containerId: 'containerd://abc',
    rateWindowMs: 15_000,
    ...overrides,
  };
}

describe('ColumnarWindow', () => {
  it('rebuilds a batch exactly: bigints past 2^53, NaN floats, types, labeled metrics, times and container id', () => {
    const window = new ColumnarWindow();
    const batch = batchOf(T0, [fullSet()]);
    window.add(batch);
    expect(window.materialise(0)).toEqual(batch);
    const sample = sampleBatch();
    window.add({ ...sample, timestampMs: T0 + 1 });
    expect(window.materialise(1)).toEqual({ ...sample, timestampMs: T0 + 1 });
  });

  it('serves a set whose shape changed between batches from each batch own shape', () => {
    const window = new ColumnarWindow();
    window.add(batchOf(T0, [fullSet()]));
    const changed = fullSet({
      labels: { [LabelKeys.type]: 'pod_container', [LabelKeys.podName]: 'web-1', extra: 'x' },
      metricValues: new Map([[Metrics.memoryUsage.name, floatValue(2.5)]]),
      labeledMetrics: [{ name: Metrics.filesystemUsage.name, labels: { [LabelKeys.resourceId]: '/data' }, value: intValue(9n) }],
    });
    window.add(batchOf(T0 + 1, [changed]));
    const key = changed.key;
    expect(window.points(key, Metrics.memoryUsage.name)).toEqual([
      { timestampMs: T0, value: intValue(-5n) },
      { timestampMs: T0 + 1, value: floatValue(2.5) },
    ]);
    expect(window.points(key, Metrics.cpuUsage.name)).toEqual([{ timestampMs: T0, value: intValue(big, 'cumulative') }]);
    expect(window.points(key, Metrics.filesystemUsage.name, {}, { [LabelKeys.resourceId]: '/data' }).map((point) => point.value)).toEqual([
      intValue(4n),
      intValue(9n),
    ]);
    expect(window.materialise(1)?.metricSets.get(key)?.labels).toEqual(changed.labels);
  });

  it('drops a bigint written before a shape stopped fitting half-way', () => {
    const window = new ColumnarWindow();
    window.add(batchOf(T0, [fullSet()]));
    const reordered = fullSet({
      metricValues: new Map<string, MetricValue>([
        [Metrics.cpuUsage.name, intValue(big, 'cumulative')],
        ['custom/new', intValue(1n)],
      ]),
    });
    const second = fullSet({ metricValues: new Map<string, MetricValue>([[Metrics.cpuUsage.name, intValue(big, 'cumulative')], [Metrics.memoryUsage.name, intValue(2n)], ['custom/ratio', floatValue(1)], ['custom/x', floatValue(1)]]) });
    window.add(batchOf(T0 + 1, [second]));
    window.add(batchOf(T0 + 2, [reordered]));
    const third = fullSet({ metricValues: new Map<string, MetricValue>([[Metrics.cpuUsage.name, intValue(5n, 'cumulative')], ['custom/new', intValue(1n)]]) });
    window.add(batchOf(T0 + 3, [third]));
    expect(window.materialise(3)).toEqual(batchOf(T0 + 3, [third]));
  });

  it('shares the layout of identical batches and counts each series once', () => {
    const window = new ColumnarWindow([Metrics.cpuUsageRate.name, Metrics.memoryUsage.name]);
    for (let cycle = 0; cycle < 3; cycle++) {
      window.add(buildBatch(T0 + cycle, [podContainerSet({ pod: 'a', container: 'c', metrics: { [Metrics.cpuUsageRate.name]: BigInt(cycle), [Metrics.memoryRss.name]: 1n } })]));
    }
    expect(window.stats()).toEqual({ batches: 3, series: 1, points: 3 });
    expect(window.points('namespace:default/pod:a/container:c', Metrics.memoryRss.name)).toEqual([]);
  });

  it('reuses the slot of an evicted key without leaking its old points to the new key', () => {
    const window = new ColumnarWindow();
    const set = (pod: string, value: bigint) => podContainerSet({ pod, container: 'c', metrics: { [Metrics.memoryUsage.name]: value } });
    window.add(buildBatch(T0, [set('old', 1n)]));
    window.add(buildBatch(T0 + 10, [set('new', 2n)]));
    window.evict(T0 + 5, 10);
    window.add(buildBatch(T0 + 20, [set('newer', 3n), set('new', 4n)]));
    expect(window.points('namespace:default/pod:old/container:c', Metrics.memoryUsage.name)).toEqual([]);
    expect(window.points('namespace:default/pod:newer/container:c', Metrics.memoryUsage.name)).toEqual([{ timestampMs: T0 + 20, value: intValue(3n) }]);
    expect(window.points('namespace:default/pod:new/container:c', Metrics.memoryUsage.name).map((point) => point.value)).toEqual([intValue(2n), intValue(4n)]);
  });

  it('compares labels by content', () => {
    expect(sameLabels({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameLabels({ a: '1' }, { a: '1', b: '2' })).toBe(false);
    expect(sameLabels({ a: '1', b: '2' }, { a: '1' })).toBe(false);
    expect(sameLabels({ a: '' }, { b: '' })).toBe(false);
    expect(sameLabels({}, { constructor: 'x' })).toBe(false);
    expect(sameLabels({ toString: 'x' }, {})).toBe(false);
  });
});
