import { describe, expect, it } from 'vitest';
import {
  nodeLabelsOf,
  podContainerLabelsOf,
  podLabelsOf,
  resourceLabelsOf,
  systemContainerLabelsOf,
  type PodLabelValues,
} from './entity-labels.js';
import { EntityTypes, LabelKeys } from './label-keys.js';
import { parseKey, podContainerKey, podKey, nodeKey, systemContainerKey } from './keys.js';
import type { MetricSet } from './metric-set.js';
import { entityOfSet } from './set-entity.js';

const node = { nodeName: 'node-1', hostname: 'host-1', hostId: 'id-1' };
const pod: PodLabelValues = { podName: 'web-0', namespace: 'shop', podId: 'uid-1' };
const podWithoutUid: PodLabelValues = { ...pod, podId: '' };

// The expected labels are written with LabelKeys, in insertion order, so a builder key that drifts from the
// LabelKeys spelling (or a label added, dropped or moved) fails here.
const nodePart = [
  [LabelKeys.nodename, 'node-1'],
  [LabelKeys.hostname, 'host-1'],
  [LabelKeys.hostId, 'id-1'],
] as const;
const podPart = [...nodePart, [LabelKeys.podName, 'web-0'], [LabelKeys.namespaceName, 'shop']] as const;

const cases: [string, Readonly<Record<string, string>>, readonly (readonly [string, string])[]][] = [
  ['node', nodeLabelsOf(node), [...nodePart, [LabelKeys.type, EntityTypes.node]]],
  [
    'system container',
    systemContainerLabelsOf(node, 'kubelet'),
    [...nodePart, [LabelKeys.type, EntityTypes.systemContainer], [LabelKeys.containerName, 'kubelet']],
  ],
  ['pod', podLabelsOf(node, pod), [...podPart, [LabelKeys.podId, 'uid-1'], [LabelKeys.type, EntityTypes.pod]]],
  ['pod without uid', podLabelsOf(node, podWithoutUid), [...podPart, [LabelKeys.type, EntityTypes.pod]]],
  [
    'pod container',
    podContainerLabelsOf(node, pod, 'app'),
    [...podPart, [LabelKeys.podId, 'uid-1'], [LabelKeys.type, EntityTypes.podContainer], [LabelKeys.containerName, 'app']],
  ],
  [
    'pod container without uid',
    podContainerLabelsOf(node, podWithoutUid, 'app'),
    [...podPart, [LabelKeys.type, EntityTypes.podContainer], [LabelKeys.containerName, 'app']],
  ],
  [
    'pod container with image',
    podContainerLabelsOf(node, pod, 'app', 'nginx:1'),
    [
      ...podPart,
      [LabelKeys.podId, 'uid-1'],
      [LabelKeys.type, EntityTypes.podContainer],
      [LabelKeys.containerName, 'app'],
      [LabelKeys.containerBaseImage, 'nginx:1'],
    ],
  ],
  [
    'pod container with image, without uid',
    podContainerLabelsOf(node, podWithoutUid, 'app', ''),
    [...podPart, [LabelKeys.type, EntityTypes.podContainer], [LabelKeys.containerName, 'app'], [LabelKeys.containerBaseImage, '']],
  ],
  ['resource', resourceLabelsOf('/'), [[LabelKeys.resourceId, '/']]],
];

describe('entity label builders', () => {
  it.each(cases)('%s labels have exactly the LabelKeys keys and values, in order', (_, labels, expected) => {
    expect(Object.entries(labels)).toEqual(expected);
  });

  it('store no undefined values and use only LabelKeys spellings', () => {
    const known = new Set<string>(Object.values(LabelKeys));
    for (const [, labels] of cases) {
      for (const [key, value] of Object.entries(labels)) {
        expect(known.has(key)).toBe(true);
        expect(typeof value).toBe('string');
      }
    }
  });

  it('give entityOfSet what parseKey would', () => {
    const setOf = (key: string, labels: Readonly<Record<string, string>>): MetricSet => ({
      key,
      labels,
      metricValues: new Map(),
      labeledMetrics: [],
      collectionStartTimeMs: 0,
      entityCreateTimeMs: 0,
      scrapeTimeMs: 0,
    });
    const sets = [
      setOf(nodeKey('node-1'), nodeLabelsOf(node)),
      setOf(systemContainerKey('node-1', 'kubelet'), systemContainerLabelsOf(node, 'kubelet')),
      setOf(podKey('shop', 'web-0'), podLabelsOf(node, pod)),
      setOf(podContainerKey('shop', 'web-0', 'app'), podContainerLabelsOf(node, podWithoutUid, 'app', 'nginx:1')),
    ];
    for (const set of sets) expect(entityOfSet(set)).toEqual(parseKey(set.key));
  });
});
