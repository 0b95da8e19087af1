/**
 * Builders for MetricSets and DataBatches in tests. Metric values are given as plain numbers or bigints and take
 * their kind (int/float) and type (cumulative/gauge) from core's catalogue, and labels are derived from the key, so a
 * test states only what it is about.
 */
import {
  batchOf,
  clusterKey,
  EntityTypes,
  floatValue,
  intValue,
  LabelKeys,
  metricDescriptor,
  namespaceKey,
  nodeKey,
  parseKey,
  podContainerKey,
  podKey,
  systemContainerKey,
  type DataBatch,
  type LabeledMetric,
  type MetricSet,
  type MetricValue,
} from '@kubestats/core';

/** A metric value as a test writes it: a full MetricValue, or a bare bigint/number typed by the catalogue. */
export type MetricInput = MetricValue | bigint | number;

export interface LabeledMetricInput {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: MetricInput;
}

export interface MetricSetInput {
  /** Defaults to the cluster key. */
  readonly key?: string;
  /** Merged over the labels derived from the key (`type`, `nodename`, `namespace_name`, …). */
  readonly labels?: Readonly<Record<string, string>>;
  /** `{ 'cpu/usage': 123n, 'memory/usage': 5 }`. */
  readonly metrics?: Readonly<Record<string, MetricInput>>;
  readonly labeledMetrics?: readonly LabeledMetricInput[];
  readonly collectionStartTimeMs?: number;
  readonly entityCreateTimeMs?: number;
  readonly scrapeTimeMs?: number;
  readonly containerId?: string;
}

/**
 * Turns a bare value into a MetricValue using the catalogue's kind and type for `name`; metrics not in the catalogue
 * (custom metrics) are int gauges for bigints and float gauges for numbers.
 */
export function toMetricValue(name: string, input: MetricInput): MetricValue {
  if (typeof input === 'object') return input;
  const descriptor = metricDescriptor(name);
  const kind = descriptor?.valueKind ?? (typeof input === 'bigint' ? 'int' : 'float');
  const type = descriptor?.type ?? 'gauge';
  return kind === 'int' ? intValue(input, type) : floatValue(Number(input), type);
}

/** The labels Heapster puts on a set of this key that the key alone determines. */
export function labelsForKey(key: string): Record<string, string> {
  const parsed = parseKey(key);
  if (!parsed) throw new Error(`buildMetricSet: ${JSON.stringify(key)} is not a Heapster metric-set key`);
  const labels: Record<string, string> = { [LabelKeys.type]: parsed.type };
  switch (parsed.type) {
    case EntityTypes.node:
      labels[LabelKeys.nodename] = parsed.nodeName;
      labels[LabelKeys.hostname] = parsed.nodeName;
      break;
    case EntityTypes.systemContainer:
      labels[LabelKeys.nodename] = parsed.nodeName;
      labels[LabelKeys.hostname] = parsed.nodeName;
      labels[LabelKeys.containerName] = parsed.containerName;
      break;
    case EntityTypes.pod:
      labels[LabelKeys.namespaceName] = parsed.namespace;
      labels[LabelKeys.podName] = parsed.podName;
      break;
    case EntityTypes.podContainer:
      labels[LabelKeys.namespaceName] = parsed.namespace;
      labels[LabelKeys.podName] = parsed.podName;
      labels[LabelKeys.containerName] = parsed.containerName;
      break;
    case EntityTypes.namespace:
      labels[LabelKeys.namespaceName] = parsed.namespace;
      break;
    case EntityTypes.cluster:
      break;
  }
  return labels;
}

export function buildMetricSet(input: MetricSetInput = {}): MetricSet {
  const key = input.key ?? clusterKey;
  const metricValues = new Map<string, MetricValue>();
  for (const [name, value] of Object.entries(input.metrics ?? {})) metricValues.set(name, toMetricValue(name, value));
  const labeledMetrics: LabeledMetric[] = (input.labeledMetrics ?? []).map((metric) => ({
    name: metric.name,
    labels: { ...metric.labels },
    value: toMetricValue(metric.name, metric.value),
  }));
  const set: MetricSet = {
    key,
    labels: { ...labelsForKey(key), ...input.labels },
    metricValues,
    labeledMetrics,
    collectionStartTimeMs: input.collectionStartTimeMs ?? 0,
    entityCreateTimeMs: input.entityCreateTimeMs ?? 0,
    scrapeTimeMs: input.scrapeTimeMs ?? 0,
  };
  return input.containerId === undefined ? set : { ...set, containerId: input.containerId };
}

/** A batch of `sets`: built MetricSets, or inputs for buildMetricSet. A later set with the same key wins. */
export function buildBatch(timestampMs: number, sets: readonly (MetricSet | MetricSetInput)[] = []): DataBatch {
  return batchOf(
    timestampMs,
    sets.map((set) => (isMetricSet(set) ? set : buildMetricSet(set))),
  );
}

function isMetricSet(value: MetricSet | MetricSetInput): value is MetricSet {
  return 'metricValues' in value;
}

/** Common fields of the entity builders below. */
export interface EntitySetInput {
  readonly metrics?: Readonly<Record<string, MetricInput>>;
  readonly labeledMetrics?: readonly LabeledMetricInput[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Collection start and entity create time. */
  readonly startMs?: number;
  readonly scrapeMs?: number;
  readonly containerId?: string;
}

function entitySet(key: string, input: EntitySetInput, extraLabels: Record<string, string>): MetricSet {
  return buildMetricSet({
    key,
    labels: { ...extraLabels, ...input.labels },
    ...(input.metrics ? { metrics: input.metrics } : {}),
    ...(input.labeledMetrics ? { labeledMetrics: input.labeledMetrics } : {}),
    collectionStartTimeMs: input.startMs ?? 0,
    entityCreateTimeMs: input.startMs ?? 0,
    scrapeTimeMs: input.scrapeMs ?? 0,
    ...(input.containerId === undefined ? {} : { containerId: input.containerId }),
  });
}

function nodeLabels(node: string | undefined): Record<string, string> {
  return node === undefined ? {} : { [LabelKeys.nodename]: node, [LabelKeys.hostname]: node };
}

export interface PodContainerSetInput extends EntitySetInput {
  readonly namespace?: string;
  readonly pod: string;
  readonly container: string;
  readonly node?: string;
}

export function podContainerSet(input: PodContainerSetInput): MetricSet {
  const namespace = input.namespace ?? 'default';
  return entitySet(podContainerKey(namespace, input.pod, input.container), input, nodeLabels(input.node));
}

export interface PodSetInput extends EntitySetInput {
  readonly namespace?: string;
  readonly pod: string;
  readonly node?: string;
}

export function podSet(input: PodSetInput): MetricSet {
  return entitySet(podKey(input.namespace ?? 'default', input.pod), input, nodeLabels(input.node));
}

export interface NodeSetInput extends EntitySetInput {
  readonly node: string;
}

export function nodeSet(input: NodeSetInput): MetricSet {
  return entitySet(nodeKey(input.node), input, {});
}

export interface SystemContainerSetInput extends EntitySetInput {
  readonly node: string;
  readonly container: string;
}

export function systemContainerSet(input: SystemContainerSetInput): MetricSet {
  return entitySet(systemContainerKey(input.node, input.container), input, {});
}

export interface NamespaceSetInput extends EntitySetInput {
  readonly namespace: string;
}

export function namespaceSet(input: NamespaceSetInput): MetricSet {
  return entitySet(namespaceKey(input.namespace), input, {});
}

export function clusterSet(input: EntitySetInput = {}): MetricSet {
  return entitySet(clusterKey, input, {});
}
