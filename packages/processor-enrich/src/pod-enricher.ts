/**
 * Heapster's pod_based_enricher: fills pod and container sets from the informer-backed pod cache (pod id, joined
 * labels, node, requests/limits, restart count, image, pod start), creating stub sets for spec containers without
 * data and for pods seen only through their containers. No network call: a pod missing from the cache is a
 * `missing-metadata` diagnostic and its sets pass through untouched.
 *
 * Per pod version (PodInfo object) it keeps what it derived and the labels it built last cycle for the pod and each
 * container set. While a set's incoming labels are the same as last cycle, the same frozen labels object is handed
 * out again instead of a copy per set per cycle (which also lets later stages recognise unchanged labels by identity).
 */
import {
  abortReason,
  entityOfSet,
  EntityTypes,
  intValue,
  LabelKeys,
  Metrics,
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

type Labels = Readonly<Record<string, string>>;

interface PodGroup {
  readonly namespace: string;
  readonly podName: string;
  /** The pod's own set in this batch, if any. */
  podSet: MetricSet | undefined;
  readonly containers: { readonly name: string; readonly set: MetricSet }[];
}

/** The keys and values of a labels object, in order: what a cached labels object was built from. */
interface LabelsSnapshot {
  readonly keys: readonly string[];
  readonly values: readonly string[];
}

function snapshotOf(labels: Labels): LabelsSnapshot {
  const keys = Object.keys(labels);
  return { keys, values: keys.map((key) => labels[key] ?? '') };
}

/** Whether `labels` holds exactly the snapshot's keys and values in the same order, checked without a copy. */
function matchesSnapshot(labels: Labels, snapshot: LabelsSnapshot): boolean {
  let index = 0;
  for (const key in labels) {
    if (key !== snapshot.keys[index] || labels[key] !== snapshot.values[index]) return false;
    index++;
  }
  return index === snapshot.keys.length;
}

/** The labels built for a pod set from its own labels (if it had a set) and its first container's placement. */
interface CachedPodLabels {
  readonly input: LabelsSnapshot | undefined;
  readonly siblingPlacement: readonly (string | undefined)[];
  readonly labels: Labels;
}

/** The labels built for a container set from its own labels and the pod's `nodename`. */
interface CachedContainerLabels {
  readonly input: LabelsSnapshot;
  readonly podNodename: string | undefined;
  readonly labels: Labels;
}

/**
 * What the enricher derives from one PodInfo. ClusterMetadata hands out the same PodInfo object until the pod changes
 * (kube-metadata caches one per informer object), so this is computed once per pod version instead of every cycle.
 */
interface DerivedPod {
  readonly objectLabels: Record<string, string>;
  readonly containerMetrics: Map<ContainerInfo, ReadonlyMap<string, MetricValue>>;
  readonly specByName: ReadonlyMap<string, ContainerInfo>;
  /** Last cycle's pod labels, and container labels by container name, reused while their inputs are the same. */
  podLabels: CachedPodLabels | undefined;
  readonly containerLabels: Map<string, CachedContainerLabels>;
}

/** Labels describing where a set runs, copied from a sibling onto stubs. */
const placementLabels = [LabelKeys.nodename, LabelKeys.hostname, LabelKeys.hostId] as const;

function placementOf(labels: Labels | undefined): (string | undefined)[] {
  return placementLabels.map((key) => labels?.[key]);
}

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
    // Pods in the order their first set appears (the order stubs and diagnostics follow), found by namespace then
    // name: no pod key is built per container set.
    const groups: PodGroup[] = [];
    const groupsByNamespace = new Map<string, Map<string, PodGroup>>();
    for (const set of batch.metricSets.values()) {
      const entity = entityOfSet(set);
      if (entity?.type !== EntityTypes.pod && entity?.type !== EntityTypes.podContainer) continue;
      let podsOfNamespace = groupsByNamespace.get(entity.namespace);
      if (!podsOfNamespace) {
        podsOfNamespace = new Map();
        groupsByNamespace.set(entity.namespace, podsOfNamespace);
      }
      let group = podsOfNamespace.get(entity.podName);
      if (!group) {
        group = { namespace: entity.namespace, podName: entity.podName, podSet: undefined, containers: [] };
        podsOfNamespace.set(entity.podName, group);
        groups.push(group);
      }
      if (entity.type === EntityTypes.podContainer) group.containers.push({ name: entity.containerName, set });
      else group.podSet = set;
    }

    const metricSets = new Map(batch.metricSets);
    const diagnostics: DiagnosticInput[] = [];
    for (const group of groups) {
      const key = group.podSet?.key ?? podKey(group.namespace, group.podName);
      const pod = this.#metadata?.getPod(group.namespace, group.podName);
      if (!pod) {
        diagnostics.push({ key, stage: 'enrich', reason: 'missing-metadata', detail: missingMetadataDetail(this.#metadata, `pod ${group.namespace}/${group.podName}`) });
        continue;
      }
      this.#enrichPod(key, group, pod, metricSets, diagnostics);
    }
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }

  #enrichPod(key: string, group: PodGroup, pod: PodInfo, out: Map<string, MetricSet>, diagnostics: DiagnosticInput[]): void {
    const derived = this.#derive(pod);
    const containerSets = group.containers.map((container) => container.set);
    const existingPod = group.podSet;
    const podLabels = this.#podLabels(pod, derived, existingPod?.labels, containerSets[0]?.labels);

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

    const seen = new Set<string>();
    for (const { name, set } of group.containers) {
      seen.add(name);
      out.set(set.key, this.#enrichContainer(set, name, pod, derived, podLabels));
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

  /** The pod set's labels: last cycle's object when the pod's own labels and its first container's placement match. */
  #podLabels(pod: PodInfo, derived: DerivedPod, ownLabels: Labels | undefined, siblingLabels: Labels | undefined): Labels {
    const siblingPlacement = placementOf(siblingLabels);
    const cached = derived.podLabels;
    if (
      cached &&
      (ownLabels === undefined ? cached.input === undefined : cached.input !== undefined && matchesSnapshot(ownLabels, cached.input)) &&
      cached.siblingPlacement.every((value, index) => value === siblingPlacement[index])
    ) {
      return cached.labels;
    }
    const podLabels: Record<string, string> = {
      ...(ownLabels ?? {}),
      [LabelKeys.type]: EntityTypes.pod,
      [LabelKeys.namespaceName]: pod.namespace,
      [LabelKeys.podName]: pod.name,
      ...derived.objectLabels,
      [LabelKeys.podId]: pod.uid,
    };
    for (const placement of placementLabels) {
      podLabels[placement] ??= siblingLabels?.[placement] ?? '';
      if (podLabels[placement] === '') delete podLabels[placement];
    }
    if (pod.nodeName !== '') podLabels[LabelKeys.nodename] ??= pod.nodeName;
    const labels = Object.freeze(podLabels);
    derived.podLabels = { input: ownLabels && snapshotOf(ownLabels), siblingPlacement, labels };
    return labels;
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
      derived = {
        objectLabels: this.#labels.labelsFor(pod.labels),
        containerMetrics,
        specByName: new Map(pod.containers.map((container) => [container.name, container])),
        podLabels: undefined,
        containerLabels: new Map(),
      };
      this.#derived.set(pod, derived);
    }
    return derived;
  }

  #enrichContainer(set: MetricSet, containerName: string, pod: PodInfo, derived: DerivedPod, podLabels: Labels): MetricSet {
    const container = derived.specByName.get(containerName);
    const labels = this.#containerLabels(set.labels, containerName, container, pod, derived, podLabels[LabelKeys.nodename]);
    if (!container) return withChanges(set, { labels });
    const metricValues = new Map(set.metricValues);
    for (const [name, value] of derived.containerMetrics.get(container) ?? []) metricValues.set(name, value);
    return withChanges(set, { labels, metricValues });
  }

  /** A container set's labels: last cycle's object when its own labels and the pod's `nodename` are the same. */
  #containerLabels(
    ownLabels: Labels,
    containerName: string,
    container: ContainerInfo | undefined,
    pod: PodInfo,
    derived: DerivedPod,
    podNodename: string | undefined,
  ): Labels {
    const cached = derived.containerLabels.get(containerName);
    if (cached && cached.podNodename === podNodename && matchesSnapshot(ownLabels, cached.input)) return cached.labels;
    const labels: Record<string, string> = { ...ownLabels, ...derived.objectLabels, [LabelKeys.podId]: pod.uid };
    if (podNodename !== undefined) labels[LabelKeys.nodename] ??= podNodename;
    if (container) labels[LabelKeys.containerBaseImage] ??= container.image;
    const frozen = Object.freeze(labels);
    derived.containerLabels.set(containerName, { input: snapshotOf(ownLabels), podNodename, labels: frozen });
    return frozen;
  }

  #stubContainer(
    key: string,
    pod: PodInfo,
    container: ContainerInfo,
    derived: DerivedPod,
    podLabels: Labels,
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
