import { floatValue, intValue, LabelKeys, Metrics } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { buildBatch, buildMetricSet, nodeSet, podContainerSet, toMetricValue } from './metric-set-builders.js';

describe('buildMetricSet', () => {
  it('derives labels from the key and types bare values from the catalogue', () => {
    const set = buildMetricSet({
      key: 'namespace:prod/pod:web-1/container:web',
      labels: { [LabelKeys.nodename]: 'n1' },
      metrics: { 'cpu/usage': 123n, 'memory/usage': 5, 'cpu/node_utilization': 1, 'custom/qps': 2.5 },
    });
    expect(set.labels).toEqual({ type: 'pod_container', namespace_name: 'prod', pod_name: 'web-1', container_name: 'web', nodename: 'n1' });
    expect(set.metricValues.get('cpu/usage')).toEqual(intValue(123n, 'cumulative'));
    expect(set.metricValues.get('memory/usage')).toEqual(intValue(5n));
    expect(set.metricValues.get('cpu/node_utilization')).toEqual(floatValue(1));
    expect(set.metricValues.get('custom/qps')).toEqual(floatValue(2.5));
    expect(set.labeledMetrics).toEqual([]);
    expect(set.scrapeTimeMs).toBe(0);
  });

  it('defaults to an empty cluster set and rejects keys Heapster would not build', () => {
    expect(buildMetricSet()).toMatchObject({ key: 'cluster', labels: { type: 'cluster' } });
    expect(() => buildMetricSet({ key: 'pod:x' })).toThrow(/"pod:x" is not a Heapster metric-set key/);
  });

  it('keeps full MetricValues as given', () => {
    expect(toMetricValue(Metrics.cpuUsage.name, floatValue(1.5, 'gauge'))).toEqual(floatValue(1.5, 'gauge'));
  });
});

describe('entity builders and buildBatch', () => {
  it('build Heapster keys, labels and times', () => {
    const container = podContainerSet({ pod: 'p', container: 'c', node: 'n1', startMs: 10, scrapeMs: 20, metrics: { 'memory/usage': 1n } });
    expect(container.key).toBe('namespace:default/pod:p/container:c');
    expect(container.labels).toMatchObject({ nodename: 'n1', hostname: 'n1', namespace_name: 'default' });
    expect(container).toMatchObject({ collectionStartTimeMs: 10, entityCreateTimeMs: 10, scrapeTimeMs: 20 });
    const node = nodeSet({ node: 'n1', labeledMetrics: [{ name: 'filesystem/usage', labels: { resource_id: '/' }, value: 7 }] });
    expect(node.labels).toEqual({ type: 'node', nodename: 'n1', hostname: 'n1' });
    expect(node.labeledMetrics).toEqual([{ name: 'filesystem/usage', labels: { resource_id: '/' }, value: intValue(7n) }]);
  });

  it('keys a batch by set key, accepting built sets and inputs', () => {
    const batch = buildBatch(1000, [nodeSet({ node: 'a' }), { key: 'node:b' }, nodeSet({ node: 'a', metrics: { 'memory/usage': 1n } })]);
    expect(batch.timestampMs).toBe(1000);
    expect([...batch.metricSets.keys()]).toEqual(['node:a', 'node:b']);
    expect(batch.metricSets.get('node:a')?.metricValues.size).toBe(1);
  });
});
