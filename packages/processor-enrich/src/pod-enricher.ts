/**
 * Heapster's pod_based_enricher: fills pod and container sets from the informer-backed pod cache (pod id, joined
 * labels, node, requests/limits, restart count, image, pod start), creating stub sets for spec containers without
 * data and for pods seen only through their containers. No network call: a pod missing from the cache is a
 * `missing-metadata` diagnostic and its sets pass through untouched.
 *
 * Per pod version (PodInfo object) it keeps what it derived and the labels it built last cycle for the pod and each
 * container set. While a set's incoming labels are the same as last cycle, the same frozen labels object is handed
 * out again instead of a copy per set per cycle (which also lets later stages recognise unchanged labels by identity).
 * The request/limit/restart-count metrics are one shared map per distinct content (ContainerMetricsTable), not one
 * per container.
 */
import {
  abortReason,
  entityOfSet,
  EntityTypes,
  LabelKeys,
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
import { ContainerMetricsTable, type ContainerMetrics } from './container-metrics-table.js';
import type { LabelCopier } from './label-copier.js';
import { missingMetadataDetail } from './missing-metadata.js';

type Labels = Readonly<Record<string, string>>;

interface PodGroup {
  readonly namespace: string;
  readonly podName: string;
  /** The pod's own set in this batch, if any. */
  podSet: MetricSet | undefined;
  readonly containers: { readonly name: string; readonly set: MetricSet }[];
}

/**
 * What a cached labels object was built from, as one flat array (one object per cache entry, not an object and two
 * arrays): `fixed` leading values that must be equal, then the input labels' keys and values in order,
 * `[...fixed, key0, value0, key1, value1, …]`.
 */
type LabelsInput = readonly (string | undefined)[];

function labelsInputOf(fixed: readonly (string | undefined)[], labels: Labels | undefined): LabelsInput {
  const input = [...fixed];
  if (labels) for (const key in labels) input.push(key, labels[key]);
  return input;
}

/** Whether `labels` has exactly the keys and values (in order) that `input` holds from `start` on, checked without a copy. */
function matchesLabelsFrom(input: LabelsInput, start: number, labels: Labels | undefined): boolean {
  let index = start;
  if (labels) {
    for (const key in labels) {
      if (key !== input[index] || labels[key] !== input[index + 1]) return false;
      index += 2;
    }
  }
  return index === input.length;
}

/** A container's set labels as built last cycle: reused while its own labels and the pod's `nodename` are the same. */
interface CachedContainerLabels {
  /** `[pod nodename, …own labels]`, see LabelsInput. */
  readonly input: LabelsInput;
  readonly labels: Labels;
}

/** One spec container as the enricher uses it. */
interface DerivedContainer {
  readonly spec: ContainerInfo;
  /** Requests, limits and restart count, shared with every container of the same content (ContainerMetricsTable). */
  readonly metrics: ContainerMetrics;
  cachedLabels: CachedContainerLabels | undefined;
}

/**
 * What the enricher derives from one PodInfo. ClusterMetadata hands out the same PodInfo object until the pod changes
 * (kube-metadata caches one per informer object), so this is computed once per pod version instead of every cycle.
 * It keeps only what later cycles read: per spec container its metrics and last labels, and the pod set's last labels.
 */
interface DerivedPod {
  /** In spec order, as `pod.containers`. */
  readonly containers: readonly DerivedContainer[];
  /** Last labels of container sets whose name is not in the spec (rare: created on first use). */
  unknownContainerLabels: Map<string, CachedContainerLabels> | undefined;
  readonly objectLabels: Record<string, string>;
  /** Last cycle's pod set labels, built from `[sibling nodename, hostname, host_id, …own labels]` (LabelsInput). */
  podLabels: { readonly hadOwnSet: boolean; readonly input: LabelsInput; readonly labels: Labels } | undefined;
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

/** The spec container named `name`; the last one when a (malformed) spec repeats a name, as a Map by name would. */
function containerNamed(derived: DerivedPod, name: string): DerivedContainer | undefined {
  const { containers } = derived;
  for (let index = containers.length - 1; index >= 0; index--) {
    const container = containers[index];
    if (container?.spec.name === name) return container;
  }
  return undefined;
}

export class PodEnricher implements Processor {
  readonly name = 'processor/pod_enricher';
  readonly #metadata: ClusterMetadata | undefined;
  readonly #labels: LabelCopier;
  readonly #derived = new WeakMap<PodInfo, DerivedPod>();
  readonly #containerMetrics = new ContainerMetricsTable();

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
      // What `entityOfSet` finds, read straight from the labels when they name the pod (or container) in full, as
      // every decoded set's do: no parsed entity object per set.
      const { labels } = set;
      const type = labels[LabelKeys.type];
      let namespace = labels[LabelKeys.namespaceName];
      let podName = labels[LabelKeys.podName];
      let containerName = type === EntityTypes.podContainer ? labels[LabelKeys.containerName] : undefined;
      const named = namespace && podName && (type === EntityTypes.pod || containerName);
      if (!named) {
        const entity = entityOfSet(set);
        if (entity?.type !== EntityTypes.pod && entity?.type !== EntityTypes.podContainer) continue;
        namespace = entity.namespace;
        podName = entity.podName;
        containerName = entity.type === EntityTypes.podContainer ? entity.containerName : undefined;
      }
      if (namespace === undefined || podName === undefined) continue;
      let podsOfNamespace = groupsByNamespace.get(namespace);
      if (!podsOfNamespace) {
        podsOfNamespace = new Map();
        groupsByNamespace.set(namespace, podsOfNamespace);
      }
      let group = podsOfNamespace.get(podName);
      if (!group) {
        group = { namespace, podName, podSet: undefined, containers: [] };
        podsOfNamespace.set(podName, group);
        groups.push(group);
      }
      if (containerName !== undefined) group.containers.push({ name: containerName, set });
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
    const existingPod = group.podSet;
    const podLabels = this.#podLabels(pod, derived, existingPod?.labels, group.containers[0]?.set.labels);

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
        scrapeTimeMs: Math.max(0, ...group.containers.map((container) => container.set.scrapeTimeMs)),
      });
      diagnostics.push({
        key,
        stage: 'enrich',
        reason: 'missing-value',
        detail: `no pod-level set in this scrape; a stub with pod metadata was created for its ${group.containers.length} container(s)`,
      });
    }

    const podNodename = podLabels[LabelKeys.nodename];
    for (const { name, set } of group.containers) {
      out.set(set.key, this.#enrichContainer(set, name, pod, derived, podNodename));
    }
    for (const container of derived.containers) {
      const { spec } = container;
      if (group.containers.some((scraped) => scraped.name === spec.name)) continue;
      const stubKey = podContainerKey(pod.namespace, pod.name, spec.name);
      out.set(stubKey, stubContainer(stubKey, pod, container, derived, podLabels));
      diagnostics.push({
        key: stubKey,
        stage: 'enrich',
        reason: 'missing-value',
        detail: `container ${spec.name} is in the pod spec but absent from this scrape (not running?); a stub with requests, limits and restart count was created`,
      });
    }
  }

  /** The pod set's labels: last cycle's object when the pod's own labels and its first container's placement match. */
  #podLabels(pod: PodInfo, derived: DerivedPod, ownLabels: Labels | undefined, siblingLabels: Labels | undefined): Labels {
    const cached = derived.podLabels;
    if (
      cached &&
      cached.hadOwnSet === (ownLabels !== undefined) &&
      cached.input[0] === siblingLabels?.[LabelKeys.nodename] &&
      cached.input[1] === siblingLabels?.[LabelKeys.hostname] &&
      cached.input[2] === siblingLabels?.[LabelKeys.hostId] &&
      matchesLabelsFrom(cached.input, placementLabels.length, ownLabels)
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
    const siblingPlacement = placementLabels.map((placement) => siblingLabels?.[placement]);
    derived.podLabels = { hadOwnSet: ownLabels !== undefined, input: labelsInputOf(siblingPlacement, ownLabels), labels };
    return labels;
  }

  #derive(pod: PodInfo): DerivedPod {
    let derived = this.#derived.get(pod);
    if (!derived) {
      derived = {
        containers: pod.containers.map((spec) => ({ spec, metrics: this.#containerMetrics.metricsOf(spec), cachedLabels: undefined })),
        unknownContainerLabels: undefined,
        objectLabels: this.#labels.labelsFor(pod.labels),
        podLabels: undefined,
      };
      this.#derived.set(pod, derived);
    }
    return derived;
  }

  #enrichContainer(set: MetricSet, containerName: string, pod: PodInfo, derived: DerivedPod, podNodename: string | undefined): MetricSet {
    const container = containerNamed(derived, containerName);
    const labels = this.#containerLabels(set.labels, containerName, container, pod, derived, podNodename);
    if (!container) return withChanges(set, { labels });
    // A copy with the container's metrics added (forEach: ~12 % cheaper than `new Map(map)` plus a for-of here).
    const metricValues = new Map<string, MetricValue>();
    const add = (value: MetricValue, name: string): void => void metricValues.set(name, value);
    set.metricValues.forEach(add);
    container.metrics.forEach(add);
    return withChanges(set, { labels, metricValues });
  }

  /** A container set's labels: last cycle's object when its own labels and the pod's `nodename` are the same. */
  #containerLabels(
    ownLabels: Labels,
    containerName: string,
    container: DerivedContainer | undefined,
    pod: PodInfo,
    derived: DerivedPod,
    podNodename: string | undefined,
  ): Labels {
    const cached = container ? container.cachedLabels : derived.unknownContainerLabels?.get(containerName);
    if (cached && cached.input[0] === podNodename && matchesLabelsFrom(cached.input, 1, ownLabels)) return cached.labels;
    const labels: Record<string, string> = { ...ownLabels, ...derived.objectLabels, [LabelKeys.podId]: pod.uid };
    if (podNodename !== undefined) labels[LabelKeys.nodename] ??= podNodename;
    if (container) labels[LabelKeys.containerBaseImage] ??= container.spec.image;
    const rebuilt: CachedContainerLabels = { input: labelsInputOf([podNodename], ownLabels), labels: Object.freeze(labels) };
    if (container) container.cachedLabels = rebuilt;
    else (derived.unknownContainerLabels ??= new Map()).set(containerName, rebuilt);
    return rebuilt.labels;
  }
}

/** A set for a spec container absent from the scrape: its requests, limits and restart count, and the pod's labels. */
function stubContainer(key: string, pod: PodInfo, container: DerivedContainer, derived: DerivedPod, podLabels: Labels): MetricSet {
  return {
    key,
    labels: {
      [LabelKeys.type]: EntityTypes.podContainer,
      [LabelKeys.namespaceName]: pod.namespace,
      [LabelKeys.podName]: pod.name,
      [LabelKeys.containerName]: container.spec.name,
      [LabelKeys.containerBaseImage]: container.spec.image,
      ...pick(podLabels, placementLabels),
      ...derived.objectLabels,
      [LabelKeys.podId]: pod.uid,
    },
    // Shared with other stubs and later cycles: metric values are never mutated (the processor contract).
    metricValues: container.metrics,
    labeledMetrics: [],
    collectionStartTimeMs: 0,
    entityCreateTimeMs: pod.startTimeMs,
    scrapeTimeMs: 0,
  };
}
