/**
 * What entity a metric set describes, read from the labels every source sets on it (`type`, `namespace_name`,
 * `pod_name`, `container_name`, `nodename`), as Heapster's processors did. Processors ask this once per set per
 * cycle; reading a few labels is much cheaper than `parseKey`, whose memo must compare the set's key (a new string
 * every cycle) in full. A set lacking any label its type needs (absent or empty, which no key allows) falls back to
 * parsing its key.
 */
import { parseKey, type ParsedKey } from './keys.js';
import { EntityTypes, LabelKeys } from './label-keys.js';
import type { MetricSet } from './metric-set.js';

/** The parsed form of `set.key`, from the set's labels when they carry it, else `parseKey(set.key)`. */
export function entityOfSet(set: MetricSet): ParsedKey | undefined {
  const { labels } = set;
  switch (labels[LabelKeys.type]) {
    case EntityTypes.podContainer: {
      const namespace = labels[LabelKeys.namespaceName];
      const podName = labels[LabelKeys.podName];
      const containerName = labels[LabelKeys.containerName];
      if (!namespace || !podName || !containerName) break;
      return { type: EntityTypes.podContainer, namespace, podName, containerName };
    }
    case EntityTypes.pod: {
      const namespace = labels[LabelKeys.namespaceName];
      const podName = labels[LabelKeys.podName];
      if (!namespace || !podName) break;
      return { type: EntityTypes.pod, namespace, podName };
    }
    case EntityTypes.namespace: {
      const namespace = labels[LabelKeys.namespaceName];
      if (!namespace) break;
      return { type: EntityTypes.namespace, namespace };
    }
    case EntityTypes.node: {
      const nodeName = labels[LabelKeys.nodename];
      if (!nodeName) break;
      return { type: EntityTypes.node, nodeName };
    }
    case EntityTypes.systemContainer: {
      const nodeName = labels[LabelKeys.nodename];
      const containerName = labels[LabelKeys.containerName];
      if (!nodeName || !containerName) break;
      return { type: EntityTypes.systemContainer, nodeName, containerName };
    }
    case EntityTypes.cluster:
      return { type: EntityTypes.cluster };
  }
  return parseKey(set.key);
}
