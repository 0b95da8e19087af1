/**
 * Heapster's namespace_based_enricher: adds `namespace_id` (the namespace UID) to pod, container and namespace sets
 * from the informer cache. A namespace missing from the cache is one `missing-metadata` diagnostic.
 *
 * The pod enricher hands out the same frozen labels object for a set every cycle while its pod and labels do not
 * change, so the labels with `namespace_id` added are kept per such object and handed out again (frozen too): no
 * copy per set per cycle. Labels objects that are not frozen may change, so they are copied every time.
 */
import {
  abortReason,
  entityOfSet,
  EntityTypes,
  LabelKeys,
  namespaceKey,
  withChanges,
  type ClusterMetadata,
  type DataBatch,
  type DiagnosticInput,
  type MetricSet,
  type ProcessResult,
  type Processor,
} from '@kubestats/core';
import { missingMetadataDetail } from './missing-metadata.js';

type Labels = Readonly<Record<string, string>>;

/**
 * The namespace of a pod, pod container or namespace set, as `entityOfSet` finds it: read straight from the labels
 * when they name the entity in full (what every decoded set carries), without building a parsed entity per set.
 */
function namespaceOfSet(set: MetricSet): string | undefined {
  const { labels } = set;
  const type = labels[LabelKeys.type];
  const namespace = labels[LabelKeys.namespaceName];
  if (namespace) {
    if (type === EntityTypes.namespace) return namespace;
    if (type === EntityTypes.pod && labels[LabelKeys.podName]) return namespace;
    if (type === EntityTypes.podContainer && labels[LabelKeys.podName] && labels[LabelKeys.containerName]) return namespace;
  }
  const parsed = entityOfSet(set);
  return parsed?.type === EntityTypes.pod || parsed?.type === EntityTypes.podContainer || parsed?.type === EntityTypes.namespace
    ? parsed.namespace
    : undefined;
}

export class NamespaceEnricher implements Processor {
  readonly name = 'processor/namespace_enricher';
  readonly #metadata: ClusterMetadata | undefined;
  /** Frozen input labels -> the frozen labels with `namespace_id` added (the UID they hold is checked on use). */
  readonly #enrichedLabels = new WeakMap<Labels, Labels>();

  constructor(metadata: ClusterMetadata | undefined) {
    this.#metadata = metadata;
  }

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const metricSets = new Map<string, MetricSet>();
    const missing = new Map<string, number>();
    // Sets of one namespace mostly come one after another: the last lookup is reused.
    let lastNamespace: string | undefined;
    let lastUid: string | undefined;
    for (const [key, set] of batch.metricSets) {
      const namespace = namespaceOfSet(set);
      if (namespace === undefined) {
        metricSets.set(key, set);
        continue;
      }
      if (namespace !== lastNamespace) {
        lastNamespace = namespace;
        lastUid = this.#metadata?.getNamespace(namespace)?.uid;
      }
      const uid = lastUid;
      if (uid === undefined) missing.set(namespace, (missing.get(namespace) ?? 0) + 1);
      const needsChange = uid !== undefined && set.labels[LabelKeys.namespaceId] !== uid;
      metricSets.set(key, needsChange ? withChanges(set, { labels: this.#withNamespaceId(set.labels, uid) }) : set);
    }
    const diagnostics: DiagnosticInput[] = [...missing].map(([namespace, count]) => ({
      key: namespaceKey(namespace),
      stage: 'enrich',
      reason: 'missing-metadata',
      detail: `${missingMetadataDetail(this.#metadata, `namespace ${namespace}`)}; namespace_id left unset on ${count} set(s)`,
    }));
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }

  #withNamespaceId(labels: Labels, uid: string): Labels {
    if (!Object.isFrozen(labels)) return { ...labels, [LabelKeys.namespaceId]: uid };
    const cached = this.#enrichedLabels.get(labels);
    if (cached?.[LabelKeys.namespaceId] === uid) return cached;
    const enriched = Object.freeze({ ...labels, [LabelKeys.namespaceId]: uid });
    this.#enrichedLabels.set(labels, enriched);
    return enriched;
  }
}
