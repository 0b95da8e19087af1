/**
 * Merges each kubelet's metric sets into one DataBatch. Keys are unique per node, but a pod can briefly be reported
 * by two kubelets (a pod moved, a stale kubelet, a static target listed twice under two names). Heapster let the
 * later response win, so the winner depended on timing. Here the pod's own node wins: the one its metadata's
 * spec.nodeName names, else the first reporting node by name. The pod's containers follow their pod, and a
 * `pod-on-several-nodes` diagnostic names what was kept and dropped.
 */
import { EntityTypes, parseKey, podKey, type ClusterMetadata, type DataBatch, type DiagnosticInput, type MetricSet } from '@kubestats/core';

export interface NodeSets {
  readonly nodeName: string;
  readonly metricSets: readonly MetricSet[];
}

export interface MergeResult {
  readonly batch: DataBatch;
  readonly diagnostics: readonly DiagnosticInput[];
}

function podOf(set: MetricSet): { namespace: string; podName: string } | undefined {
  const parsed = parseKey(set.key);
  if (parsed?.type === EntityTypes.pod || parsed?.type === EntityTypes.podContainer) return parsed;
  return undefined;
}

/** `nodes` in any order; the result does not depend on it. */
export function mergeNodeResults(nodes: readonly NodeSets[], metadata: ClusterMetadata | undefined, timestampMs: number): MergeResult {
  const sorted = [...nodes].sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0));
  const reporters = new Map<string, { namespace: string; podName: string; nodes: string[] }>();
  for (const node of sorted) {
    for (const set of node.metricSets) {
      const pod = podOf(set);
      if (!pod) continue;
      const key = podKey(pod.namespace, pod.podName);
      const entry = reporters.get(key) ?? { ...pod, nodes: [] };
      if (!entry.nodes.includes(node.nodeName)) entry.nodes.push(node.nodeName);
      reporters.set(key, entry);
    }
  }
  const winners = new Map<string, string>();
  const diagnostics: DiagnosticInput[] = [];
  for (const [key, entry] of reporters) {
    const first = entry.nodes[0];
    if (entry.nodes.length < 2 || first === undefined) continue;
    const scheduledOn = metadata?.getPod(entry.namespace, entry.podName)?.nodeName;
    const kept = scheduledOn !== undefined && entry.nodes.includes(scheduledOn) ? scheduledOn : first;
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
      detail: `reported by nodes ${entry.nodes.join(', ')}; kept ${kept} (${why}), dropped ${entry.nodes.filter((name) => name !== kept).join(', ')}`,
    });
  }
  const merged = new Map<string, MetricSet>();
  for (const node of sorted) {
    for (const set of node.metricSets) {
      const pod = podOf(set);
      const winner = pod ? winners.get(podKey(pod.namespace, pod.podName)) : undefined;
      if (winner !== undefined && winner !== node.nodeName) continue;
      if (!merged.has(set.key)) merged.set(set.key, set);
    }
  }
  return { batch: { timestampMs, metricSets: merged }, diagnostics };
}
