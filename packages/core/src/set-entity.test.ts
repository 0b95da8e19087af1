import { describe, expect, it } from 'vitest';
import { clusterKey, namespaceKey, nodeKey, parseKey, podContainerKey, podKey, systemContainerKey } from './keys.js';
import { EntityTypes, LabelKeys } from './label-keys.js';
import type { MetricSet } from './metric-set.js';
import { entityOfSet } from './set-entity.js';

function set(key: string, labels: Record<string, string>): MetricSet {
  return { key, labels, metricValues: new Map(), labeledMetrics: [], collectionStartTimeMs: 0, entityCreateTimeMs: 0, scrapeTimeMs: 0 };
}

describe('entityOfSet', () => {
  const labelled: [string, Record<string, string>][] = [
    [podContainerKey('ns', 'p', 'c'), { [LabelKeys.type]: EntityTypes.podContainer, namespace_name: 'ns', pod_name: 'p', container_name: 'c' }],
    [podKey('ns', 'p'), { [LabelKeys.type]: EntityTypes.pod, namespace_name: 'ns', pod_name: 'p' }],
    [namespaceKey('ns'), { [LabelKeys.type]: EntityTypes.namespace, namespace_name: 'ns' }],
    [nodeKey('n1'), { [LabelKeys.type]: EntityTypes.node, nodename: 'n1' }],
    [systemContainerKey('n1', 'kubelet'), { [LabelKeys.type]: EntityTypes.systemContainer, nodename: 'n1', container_name: 'kubelet' }],
    [clusterKey, { [LabelKeys.type]: EntityTypes.cluster }],
  ];

  it.each(labelled)('reads %s from its labels, as parseKey would', (key, labels) => {
    expect(entityOfSet(set(key, labels))).toEqual(parseKey(key));
  });

  it('reads the labels, not the key, when both are complete', () => {
    const labels = { [LabelKeys.type]: EntityTypes.pod, namespace_name: 'from-labels', pod_name: 'p' };
    expect(entityOfSet(set(podKey('from-key', 'p'), labels))).toEqual({ type: 'pod', namespace: 'from-labels', podName: 'p' });
  });

  it('parses the key when the labels lack the type or a name it needs', () => {
    const key = podContainerKey('ns', 'p', 'c');
    expect(entityOfSet(set(key, {}))).toEqual(parseKey(key));
    expect(entityOfSet(set(key, { [LabelKeys.type]: EntityTypes.podContainer, namespace_name: 'other', pod_name: 'p' }))).toEqual(parseKey(key));
    expect(entityOfSet(set(key, { [LabelKeys.type]: EntityTypes.podContainer, namespace_name: '', pod_name: 'p', container_name: 'c' }))).toEqual(
      parseKey(key),
    );
    expect(entityOfSet(set(nodeKey('n1'), { [LabelKeys.type]: EntityTypes.node }))).toEqual(parseKey(nodeKey('n1')));
    expect(entityOfSet(set('not a key', { [LabelKeys.type]: 'unknown' }))).toBeUndefined();
  });
});
