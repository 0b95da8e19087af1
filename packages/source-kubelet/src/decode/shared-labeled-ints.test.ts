import { LabelKeys, Metrics, intValue, type LabeledMetric } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { SharedLabeledInts } from './decode-session.js';

describe('SharedLabeledInts', () => {
  const root = Object.freeze({ [LabelKeys.resourceId]: '/' });
  const logs = Object.freeze({ [LabelKeys.resourceId]: 'logs' });

  it('pushes one frozen metric again while the value is equal, and a new one when it changes', () => {
    const shared = new SharedLabeledInts(root);
    const first: LabeledMetric[] = [];
    const second: LabeledMetric[] = [];
    shared.push(first, Metrics.filesystemLimit, 105_089_261_568n);
    shared.push(first, Metrics.filesystemUsage, 32_768n);
    shared.push(second, Metrics.filesystemLimit, 105_089_261_568n);
    shared.push(second, Metrics.filesystemUsage, 40_960n);
    shared.push(second, Metrics.filesystemInodes, undefined);
    expect(second).toHaveLength(2);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]).toEqual({ name: Metrics.filesystemUsage.name, labels: root, value: intValue(40_960n, Metrics.filesystemUsage.type) });
    expect(Object.isFrozen(second[1])).toBe(true);
  });

  it('keeps each labels object its own metrics when two alternate', () => {
    const onRoot = new SharedLabeledInts(root);
    const onLogs = new SharedLabeledInts(logs);
    const containers: LabeledMetric[][] = [[], []];
    for (const labeled of containers) {
      onRoot.push(labeled, Metrics.filesystemInodesFree, 6_553_591n);
      onLogs.push(labeled, Metrics.filesystemInodesFree, 6_553_599n);
    }
    const [first, second] = containers;
    expect(second?.[0]).toBe(first?.[0]);
    expect(second?.[1]).toBe(first?.[1]);
    expect(first?.[1]?.labels).toBe(logs);
    expect(String(first?.[1]?.value.value)).toBe('6553599');
  });
});
