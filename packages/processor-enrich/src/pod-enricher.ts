/**
 * Heapster's pod_based_enricher: fills pod and container sets from the informer-backed pod cache (pod id, joined
 * labels, node, requests/limits, restart count, image, pod start), creating stub sets for spec containers without
 * data and for pods seen only through their containers. No network call: a pod missing from the cache is a
 * `missing-metadata` diagnostic and its sets pass through untouched.
 */
import {
  abortReason,
  EntityTypes,
  intValue,
  LabelKeys,
  Metrics,
  parseKey,
  podContainerKey,
  podKey,
  withChanges,
  type ClusterMetadata,
  type ContainerInfo,
  type DataBatch,
  type DiagnosticInput,
  type MetricSet,
  type MetricValue,
  type PodInfo,
  type ProcessResult,
  type Processor,
} from '@kubestats/core';
import type { LabelCopier } from './label-copier.js';
import { missingMetadataDetail } from './missing-metadata.js';
import { requestAndLimitMetrics } from './resource-metrics.js';

interface PodGroup {
  readonly namespace: string;
  readonly podName: string;
  readonly containerKeys: string[];
}

/**
 * What the enricher derives from one PodInfo. ClusterMetadata hands out the same PodInfo object until the pod changes
 * (kube-metadata caches one per informer object), so this is computed once per pod version instead of every cycle.
 */
interface DerivedPod {
  readonly objectLabels: Record<string, string>;
  readonly containerMetrics: Map<ContainerInfo, ReadonlyMap<string, MetricValue>>;
}

/** Labels describing where a set runs, copied from a sibling onto stubs. */
const placementLabels = [LabelKeys.nodename, LabelKeys.hostname, LabelKeys.hostId] as const;

function pick(labels: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = labels[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export class PodEnricher implements Processor {
  readonly name = 'processor/pod_enricher';
  readonly #metadata: ClusterMetadata | undefined;
  readonly #labels: LabelCopier;
  readonly #derived = new WeakMap<PodInfo, DerivedPod>();

  constructor(metadata: ClusterMetadata | undefined, labels: LabelCopier) {
    this.#metadata = metadata;
    this.#labels = labels;
  }

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const groups = new Map<string, PodGroup>();
    for (const key of batch.metricSets.keys()) {
      const parsed = parseKey(key);
      if (parsed?.type !== EntityTypes.pod && parsed?.type !== EntityTypes.podContainer) continue;
      const groupKey = podKey(parsed.namespace, parsed.podName);
      let group = groups.get(groupKey);
      if (!group) {
        group = { namespace: parsed.namespace, podName: parsed.podName, containerKeys: [] };
        groups.set(groupKey, group);
      }
      if (parsed.type === EntityTypes.podContainer) group.containerKeys.push(key);
    }

    const metricSets = new Map(batch.metricSets);
    const diagnostics: DiagnosticInput[] = [];
    for (const [key, group] of groups) {
      const pod = this.#metadata?.getPod(group.namespace, group.podName);
      if (!pod) {
        diagnostics.push({ key, stage: 'enrich', reason: 'missing-metadata', detail: missingMetadataDetail(this.#metadata, `pod ${group.namespace}/${group.podName}`) });
        continue;
      }
      this.#enrichPod(key, group, pod, batch, metricSets, diagnostics);
    }
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }

  #enrichPod(
    key: string,
    group: PodGroup,
    pod: PodInfo,
    batch: DataBatch,
    out: Map<string, MetricSet>,
    diagnostics: DiagnosticInput[],
  ): void {
    const derived = this.#derive(pod);
    const { objectLabels } = derived;
    const containerSets = group.containerKeys.map((containerKey) => batch.metricSets.get(containerKey)).filter((set) => set !== undefined);
    const existingPod = batch.metricSets.get(key);
    const sibling = containerSets[0];
    const podLabels: Record<string, string> = {
      ...(existingPod?.labels ?? {}),
      [LabelKeys.type]: EntityTypes.pod,
      [LabelKeys.namespaceName]: pod.namespace,
      [LabelKeys.podName]: pod.name,
      ...objectLabels,
      [LabelKeys.podId]: pod.uid,
    };
    for (const placement of placementLabels) {
      podLabels[placement] ??= sibling?.labels[placement] ?? '';
      if (podLabels[placement] === '') delete podLabels[placement];
    }
    if (pod.nodeName !== '') podLabels[LabelKeys.nodename] ??= pod.nodeName;

    if (existingPod) {
      out.set(key, withChanges(existingPod, { labels: podLabels, entityCreateTimeMs: pod.startTimeMs > 0 ? pod.startTimeMs : existingPod.entityCreateTimeMs }));
    } else {
      out.set(key, {
        key,
        labels: podLabels,
        metricValues: new Map(),
        labeledMetrics: [],
        collectionStartTimeMs: pod.startTimeMs,
        entityCreateTimeMs: pod.startTimeMs,
        scrapeTimeMs: Math.max(0, ...containerSets.map((set) => set.scrapeTimeMs)),
      });
      diagnostics.push({
        key,
        stage: 'enrich',
        reason: 'missing-value',
        detail: `no pod-level set in this scrape; a stub with pod metadata was created for its ${containerSets.length} container(s)`,
      });
    }

    const specByName = new Map(pod.containers.map((container) => [container.name, container]));
    const seen = new Set<string>();
    for (const set of containerSets) {
      const parsed = parseKey(set.key);
      const containerName = parsed?.type === EntityTypes.podContainer ? parsed.containerName : '';
      seen.add(containerName);
      out.set(set.key, this.#enrichContainer(set, pod, specByName.get(containerName), derived, podLabels));
    }
    for (const container of pod.containers) {
      if (seen.has(container.name)) continue;
      const stubKey = podContainerKey(pod.namespace, pod.name, container.name);
      out.set(stubKey, this.#stubContainer(stubKey, pod, container, derived, podLabels));
      diagnostics.push({
        key: stubKey,
        stage: 'enrich',
        reason: 'missing-value',
        detail: `container ${container.name} is in the pod spec but absent from this scrape (not running?); a stub with requests, limits and restart count was created`,
      });
    }
  }

  #derive(pod: PodInfo): DerivedPod {
    let derived = this.#derived.get(pod);
    if (!derived) {
      const containerMetrics = new Map<ContainerInfo, ReadonlyMap<string, MetricValue>>();
      for (const container of pod.containers) {
        const metrics = requestAndLimitMetrics(container.requests, container.limits);
        metrics.set(Metrics.restartCount.name, intValue(container.restartCount));
        containerMetrics.set(container, metrics);
      }
      derived = { objectLabels: this.#labels.labelsFor(pod.labels), containerMetrics };
      this.#derived.set(pod, derived);
    }
    return derived;
  }

  #enrichContainer(
    set: MetricSet,
    pod: PodInfo,
    container: ContainerInfo | undefined,
    derived: DerivedPod,
    podLabels: Record<string, string>,
  ): MetricSet {
    const labels: Record<string, string> = { ...set.labels, ...derived.objectLabels, [LabelKeys.podId]: pod.uid };
    const nodename = podLabels[LabelKeys.nodename];
    if (nodename !== undefined) labels[LabelKeys.nodename] ??= nodename;
    if (!container) return withChanges(set, { labels });
    labels[LabelKeys.containerBaseImage] ??= container.image;
    const metricValues = new Map(set.metricValues);
    for (const [name, value] of derived.containerMetrics.get(container) ?? []) metricValues.set(name, value);
    return withChanges(set, { labels, metricValues });
  }

  #stubContainer(
    key: string,
    pod: PodInfo,
    container: ContainerInfo,
    derived: DerivedPod,
    podLabels: Record<string, string>,
  ): MetricSet {
    return {
      key,
      labels: {
        [LabelKeys.type]: EntityTypes.podContainer,
        [LabelKeys.namespaceName]: pod.namespace,
        [LabelKeys.podName]: pod.name,
        [LabelKeys.containerName]: container.name,
        [LabelKeys.containerBaseImage]: container.image,
        ...pick(podLabels, placementLabels),
        ...derived.objectLabels,
        [LabelKeys.podId]: pod.uid,
      },
      // Shared with the next cycles' stubs: metric values are never mutated (the processor contract).
      metricValues: derived.containerMetrics.get(container) ?? new Map(),
      labeledMetrics: [],
      collectionStartTimeMs: 0,
      entityCreateTimeMs: pod.startTimeMs,
      scrapeTimeMs: 0,
    };
  }
}
