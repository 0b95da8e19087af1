import { intValue, type MetricValue } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { deepFreezeBatch, findBatchDifference, snapshotBatch } from './batch-mutation.js';
import { sampleBatch } from './sample-batch.js';

describe('deepFreezeBatch', () => {
  it('makes every write throw while keeping the content', () => {
    const frozen = deepFreezeBatch(sampleBatch());
    expect(findBatchDifference(sampleBatch(), frozen)).toBeUndefined();
    const set = frozen.metricSets.get('node:node-1')!;
    expect(() => (frozen.metricSets as Map<string, unknown>).set('x', {})).toThrow(TypeError);
    expect(() => (frozen.metricSets as Map<string, unknown>).delete('node:node-1')).toThrow(TypeError);
    expect(() => (set.metricValues as Map<string, MetricValue>).set('cpu/usage', intValue(1n))).toThrow(/frozen batch/);
    expect(() => ((set.labels as Record<string, string>).type = 'pod')).toThrow(TypeError);
    expect(() => (set.labeledMetrics as unknown[]).push({})).toThrow(TypeError);
    expect(() => ((set.labeledMetrics[0]!.labels as Record<string, string>).resource_id = 'x')).toThrow(TypeError);
    expect(frozen.metricSets).toBeInstanceOf(Map);
  });
});

describe('snapshotBatch and findBatchDifference', () => {
  it('names the path of a changed bigint, an added label and a removed set', () => {
    const batch = sampleBatch();
    const before = snapshotBatch(batch);
    expect(findBatchDifference(before, batch)).toBeUndefined();

    const node = batch.metricSets.get('node:node-1')!;
    (node.metricValues as Map<string, MetricValue>).set('cpu/usage', intValue(9_007_199_254_740_994n, 'cumulative'));
    expect(findBatchDifference(before, batch)).toBe(
      'batch.metricSets["node:node-1"].metricValues["cpu/usage"].value: 9007199254740993n became 9007199254740994n',
    );

    const other = sampleBatch();
    (other.metricSets.get('namespace:prod/pod:web-1')!.labels as Record<string, string>).extra = '1';
    expect(findBatchDifference(snapshotBatch(sampleBatch()), other)).toBe('batch.metricSets["namespace:prod/pod:web-1"].labels.extra: was added');

    const third = sampleBatch();
    (third.metricSets as Map<string, unknown>).delete('node:node-1');
    expect(findBatchDifference(snapshotBatch(sampleBatch()), third)).toBe('batch.metricSets["node:node-1"]: was removed');
  });

  it('tells an int from a float of the same magnitude', () => {
    expect(findBatchDifference({ value: 1n }, { value: 1 })).toBe('batch.value: 1n became 1');
  });
});
