/**
 * Merges each kubelet's metric sets into one DataBatch. Keys are unique per node, but a pod can briefly be reported
 * by two kubelets (a pod moved, a stale kubelet, a static target listed twice under two names). Heapster let the
 * later response win, so the winner depended on timing. Here the pod's own node wins: the one its metadata's
 * spec.nodeName names, else the first reporting node by name. The pod's containers follow their pod, and a
 * `pod-on-several-nodes` diagnostic names what was kept and dropped.
 */
import { EntityTypes, LabelKeys, parseKey, type ClusterMetadata, type DataBatch, type DiagnosticInput, type MetricSet } from '@kubestats/core';

export interface NodeSets {
  readonly nodeName: string;
  readonly metricSets: readonly MetricSet[];
}

export interface MergeResult {
  readonly batch: DataBatch;
  readonly diagnostics: readonly DiagnosticInput[];
}

/** The key of the pod a pod or pod-container set belongs to, from its type label and key (no regex, no parse). */
function podKeyOf(set: MetricSet): string | undefined {
  const type = set.labels[LabelKeys.type];
  if (type === EntityTypes.pod) return set.key;
  if (type !== EntityTypes.podContainer) return undefined;
  const end = podKeyEnd(set.key);
  return end === -1 ? undefined : set.key.slice(0, end);
}

/** Where the pod part of a pod-container key ends; namespace and pod names cannot contain '/'. -1 if not found. */
function podKeyEnd(containerKey: string): number {
  return containerKey.indexOf('/container:');
}

/**
 * Records that `nodeName` reports pod `podKey`. Nearly every pod has one reporter, so only a pod seen on a second
 * node gets a list (in `reporters`).
 */
function recordReporter(firstReporter: Map<string, string>, reporters: Map<string, string[]>, podKey: string, nodeName: string): void {
  const first = firstReporter.get(podKey);
  if (first === undefined) firstReporter.set(podKey, nodeName);
  else if (first !== nodeName) {
    const names = reporters.get(podKey) ?? [first];
    if (!names.includes(nodeName)) names.push(nodeName);
    reporters.set(podKey, names);
  }
}

/** `nodes` in any order; the result does not depend on it. */
export function mergeNodeResults(nodes: readonly NodeSets[], metadata: ClusterMetadata | undefined, timestampMs: number): MergeResult {
  const sorted = [...nodes].sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0));
  // One pass merges every set (first node by name wins a key) and notes which nodes report each pod. A container
  // set right after its own pod's set (how the summary decoder lists them) adds nothing new, so only the pod set
  // is recorded and the container's pod key is neither cut out nor looked up.
  const merged = new Map<string, MetricSet>();
  const firstReporter = new Map<string, string>();
  const reporters = new Map<string, string[]>();
  for (const node of sorted) {
    let lastPodKey: string | undefined;
    for (const set of node.metricSets) {
      if (!merged.has(set.key)) merged.set(set.key, set);
      const type = set.labels[LabelKeys.type];
      if (type === EntityTypes.pod) {
        lastPodKey = set.key;
        recordReporter(firstReporter, reporters, set.key, node.nodeName);
      } else if (type === EntityTypes.podContainer) {
        const end = podKeyEnd(set.key);
        if (end === -1 || (lastPodKey !== undefined && end === lastPodKey.length && set.key.startsWith(lastPodKey))) continue;
        recordReporter(firstReporter, reporters, set.key.slice(0, end), node.nodeName);
      }
    }
  }
  // Nearly always: no pod was reported twice, and the merge is done.
  if (reporters.size === 0) return { batch: { timestampMs, metricSets: merged }, diagnostics: [] };

  const winners = new Map<string, string>();
  const diagnostics: DiagnosticInput[] = [];
  for (const [key, names] of reporters) {
    const pod = parseKey(key);
    const scheduledOn = pod?.type === EntityTypes.pod ? metadata?.getPod(pod.namespace, pod.podName)?.nodeName : undefined;
    const first = names[0] ?? '';
    const kept = scheduledOn !== undefined && names.includes(scheduledOn) ? scheduledOn : first;
    winners.set(key, kept);
    const why =
      kept === scheduledOn
        ? "the node its spec.nodeName names"
        : scheduledOn === undefined
          ? 'the first by name; the pod is not in the cluster metadata'
          : `the first by name; its spec.nodeName is ${scheduledOn || '(unscheduled)'}`;
    diagnostics.push({
      key,
      stage: 'scrape',
      reason: 'pod-on-several-nodes',
      node: kept,
      detail: `reported by nodes ${names.join(', ')}; kept ${kept} (${why}), dropped ${names.filter((name) => name !== kept).join(', ')}`,
    });
  }
  // Merge again, without the sets of a pod another node won.
  merged.clear();
  for (const node of sorted) {
    for (const set of node.metricSets) {
      const key = podKeyOf(set);
      const winner = key === undefined ? undefined : winners.get(key);
      if (winner !== undefined && winner !== node.nodeName) continue;
      if (!merged.has(set.key)) merged.set(set.key, set);
    }
  }
  return { batch: { timestampMs, metricSets: merged }, diagnostics };
}
