/**
 * Heapster's namespace_based_enricher: adds `namespace_id` (the namespace UID) to pod, container and namespace sets
 * from the informer cache. A namespace missing from the cache is one `missing-metadata` diagnostic.
 */
import {
  abortReason,
  EntityTypes,
  LabelKeys,
  namespaceKey,
  parseKey,
  withChanges,
  type ClusterMetadata,
  type DataBatch,
  type DiagnosticInput,
  type MetricSet,
  type ProcessResult,
  type Processor,
} from '@kubestats/core';
import { missingMetadataDetail } from './missing-metadata.js';

export class NamespaceEnricher implements Processor {
  readonly name = 'processor/namespace_enricher';
  readonly #metadata: ClusterMetadata | undefined;

  constructor(metadata: ClusterMetadata | undefined) {
    this.#metadata = metadata;
  }

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const metricSets = new Map<string, MetricSet>();
    const missing = new Map<string, number>();
    for (const [key, set] of batch.metricSets) {
      const parsed = parseKey(key);
      const namespace =
        parsed?.type === EntityTypes.pod || parsed?.type === EntityTypes.podContainer || parsed?.type === EntityTypes.namespace
          ? parsed.namespace
          : undefined;
      const uid = namespace === undefined ? undefined : this.#metadata?.getNamespace(namespace)?.uid;
      if (namespace !== undefined && uid === undefined) missing.set(namespace, (missing.get(namespace) ?? 0) + 1);
      const needsChange = uid !== undefined && set.labels[LabelKeys.namespaceId] !== uid;
      metricSets.set(key, needsChange ? withChanges(set, { labels: { ...set.labels, [LabelKeys.namespaceId]: uid } }) : set);
    }
    const diagnostics: DiagnosticInput[] = [...missing].map(([namespace, count]) => ({
      key: namespaceKey(namespace),
      stage: 'enrich',
      reason: 'missing-metadata',
      detail: `${missingMetadataDetail(this.#metadata, `namespace ${namespace}`)}; namespace_id left unset on ${count} set(s)`,
    }));
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }
}
