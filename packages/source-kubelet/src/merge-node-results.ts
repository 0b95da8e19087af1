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
  // Namespace and pod names cannot contain '/', so the first '/container:' ends the pod part.
  const end = set.key.indexOf('/container:');
  return end === -1 ? undefined : set.key.slice(0, end);
}

/** `nodes` in any order; the result does not depend on it. */
export function mergeNodeResults(nodes: readonly NodeSets[], metadata: ClusterMetadata | undefined, timestampMs: number): MergeResult {
  const sorted = [...nodes].sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0));
  // Pass 1: which nodes report each pod. Nearly always one, so only pods seen twice get a list.
  const firstReporter = new Map<string, string>();
  const reporters = new Map<string, string[]>();
  for (const node of sorted) {
    for (const set of node.metricSets) {
      const key = podKeyOf(set);
      if (key === undefined) continue;
      const first = firstReporter.get(key);
      if (first === undefined) firstReporter.set(key, node.nodeName);
      else if (first !== node.nodeName) {
        const names = reporters.get(key) ?? [first];
        if (!names.includes(node.nodeName)) names.push(node.nodeName);
        reporters.set(key, names);
      }
    }
  }
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
  // Pass 2: every set, except those of a pod another node won.
  const merged = new Map<string, MetricSet>();
  for (const node of sorted) {
    for (const set of node.metricSets) {
      if (winners.size > 0) {
        const key = podKeyOf(set);
        const winner = key === undefined ? undefined : winners.get(key);
        if (winner !== undefined && winner !== node.nodeName) continue;
      }
      if (!merged.has(set.key)) merged.set(set.key, set);
    }
  }
  return { batch: { timestampMs, metricSets: merged }, diagnostics };
}
