/**
 * The resource view behind the metrics APIs and `top`: per node and per pod, the latest CPU rate and working set
 * from the latest batch, with the window the rate really covers. A pod with a container that lacks a value is
 * kept with what it has (Heapster and metrics-server dropped the whole pod) and says which values are missing.
 */
import {
  EntityTypes,
  LabelKeys,
  Metrics,
  parseKey,
  podKey,
  rateWindowMsOf,
  type ClusterMetadata,
  type DataBatch,
  type MetricSet,
} from '@kubestats/core';

export interface ContainerUsage {
  readonly name: string;
  readonly cpuMillicores: number | undefined;
  readonly memoryWorkingSetBytes: bigint | undefined;
}

export interface NodeUsage {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly timestampMs: number;
  readonly windowMs: number;
  readonly cpuMillicores: number | undefined;
  readonly memoryWorkingSetBytes: bigint | undefined;
}

export interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly timestampMs: number;
  readonly windowMs: number;
  readonly containers: readonly ContainerUsage[];
  /** Names of containers the pod spec lists that have no values at all. */
  readonly missingContainers: readonly string[];
}

function cpuOf(set: MetricSet | undefined): number | undefined {
  const value = set?.metricValues.get(Metrics.cpuUsageRate.name);
  if (!value) return undefined;
  return value.kind === 'int' ? Number(value.value) : value.value;
}

function memoryOf(set: MetricSet | undefined): bigint | undefined {
  const value = set?.metricValues.get(Metrics.memoryWorkingSet.name);
  if (!value) return undefined;
  return value.kind === 'int' ? value.value : BigInt(Math.round(value.value));
}

/**
 * The interval the CPU rate covers: the rate processor records it per set (core's rateWindowMsOf); the first set
 * that has one wins, and the resolution is the fallback when none does (a set whose rate came from elsewhere).
 */
export function rateWindowMs(sets: readonly (MetricSet | undefined)[], fallbackMs: number): number {
  for (const set of sets) {
    const windowMs = set ? rateWindowMsOf(set) : undefined;
    if (windowMs !== undefined) return windowMs;
  }
  return fallbackMs;
}

/** Heapster's joined `labels` label (`app:web,tier:front`) back into a map, when no metadata is at hand. */
function splitJoinedLabels(joined: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of (joined ?? '').split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) labels[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return labels;
}

export function collectNodeUsage(batch: DataBatch | undefined, metadata: ClusterMetadata | undefined, resolutionMs: number): NodeUsage[] {
  if (!batch) return [];
  const nodes: NodeUsage[] = [];
  for (const set of batch.metricSets.values()) {
    if (set.labels[LabelKeys.type] !== EntityTypes.node) continue;
    const name = set.labels[LabelKeys.nodename] ?? parseNodeName(set.key);
    if (name === undefined) continue;
    nodes.push({
      name,
      labels: metadata?.getNode(name)?.labels ?? splitJoinedLabels(set.labels[LabelKeys.labels]),
      timestampMs: batch.timestampMs,
      windowMs: rateWindowMs([set], resolutionMs),
      cpuMillicores: cpuOf(set),
      memoryWorkingSetBytes: memoryOf(set),
    });
  }
  return nodes.sort((a, b) => a.name.localeCompare(b.name));
}

function parseNodeName(key: string): string | undefined {
  const parsed = parseKey(key);
  return parsed?.type === EntityTypes.node ? parsed.nodeName : undefined;
}

export function collectPodUsage(batch: DataBatch | undefined, metadata: ClusterMetadata | undefined, resolutionMs: number): PodUsage[] {
  if (!batch) return [];
  const containersByPod = new Map<string, { namespace: string; name: string; sets: MetricSet[] }>();
  for (const set of batch.metricSets.values()) {
    const parsed = parseKey(set.key);
    if (parsed?.type !== EntityTypes.podContainer) continue;
    const podId = `${parsed.namespace}/${parsed.podName}`;
    let entry = containersByPod.get(podId);
    if (!entry) {
      entry = { namespace: parsed.namespace, name: parsed.podName, sets: [] };
      containersByPod.set(podId, entry);
    }
    entry.sets.push(set);
  }
  const pods: PodUsage[] = [];
  for (const { namespace, name, sets } of containersByPod.values()) {
    const podInfo = metadata?.getPod(namespace, name);
    const specOrder = podInfo?.containers.map((container) => container.name) ?? [];
    const byName = new Map(sets.map((set) => [set.labels[LabelKeys.containerName] ?? '', set]));
    const containers: ContainerUsage[] = [];
    for (const containerName of [...specOrder, ...[...byName.keys()].filter((n) => !specOrder.includes(n)).sort()]) {
      const set = byName.get(containerName);
      const cpuMillicores = cpuOf(set);
      const memoryWorkingSetBytes = memoryOf(set);
      if (cpuMillicores === undefined && memoryWorkingSetBytes === undefined) continue;
      containers.push({ name: containerName, cpuMillicores, memoryWorkingSetBytes });
    }
    const missingContainers = specOrder.filter((containerName) => !containers.some((c) => c.name === containerName));
    if (containers.length === 0) continue;
    // The pod set may be the aggregator's (no window of its own); its containers carry the rate processor's.
    const podSet = batch.metricSets.get(podKey(namespace, name));
    const firstSet = sets[0];
    pods.push({
      namespace,
      name,
      nodeName: podInfo?.nodeName ?? firstSet?.labels[LabelKeys.nodename],
      labels: podInfo?.labels ?? splitJoinedLabels(firstSet?.labels[LabelKeys.labels]),
      timestampMs: batch.timestampMs,
      windowMs: rateWindowMs([podSet, ...sets], resolutionMs),
      containers,
      missingContainers,
    });
  }
  return pods.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
