/**
 * Heapster's node_autoscaling_enricher (runs last): for every node set, copies the node's labels and sets capacity,
 * allocatable, utilization (usage ÷ allocatable; memory uses `memory/usage`, as Heapster did) and reservation
 * (summed requests ÷ allocatable, from the node aggregator). Ratios of a resource with zero allocatable are skipped
 * with `zero-allocatable`; a utilization whose usage is absent is skipped with `missing-value` (Heapster counted it as
 * 0, which reads as an idle node during the first cycle).
 */
import {
  abortReason,
  entityOfSet,
  EntityTypes,
  floatValue,
  metricValueAsNumber,
  Metrics,
  withChanges,
  type ClusterMetadata,
  type DataBatch,
  type DiagnosticInput,
  type MetricDescriptor,
  type MetricSet,
  type MetricValue,
  type NodeInfo,
  type ProcessResult,
  type Processor,
} from '@kubestats/core';
import type { LabelCopier } from './label-copier.js';
import { missingMetadataDetail } from './missing-metadata.js';
import { ResourceNames } from './resource-metrics.js';

interface NodeResource {
  readonly resource: string;
  readonly capacity: MetricDescriptor;
  readonly allocatable: MetricDescriptor;
  readonly usage: MetricDescriptor;
  readonly request: MetricDescriptor;
  readonly utilization: MetricDescriptor;
  readonly reservation: MetricDescriptor;
  /** Ephemeral storage is reported only when the node lists both capacity and allocatable. */
  readonly optional: boolean;
}

const nodeResources: readonly NodeResource[] = [
  {
    resource: ResourceNames.cpu,
    capacity: Metrics.cpuNodeCapacity,
    allocatable: Metrics.cpuNodeAllocatable,
    usage: Metrics.cpuUsageRate,
    request: Metrics.cpuRequest,
    utilization: Metrics.cpuNodeUtilization,
    reservation: Metrics.cpuNodeReservation,
    optional: false,
  },
  {
    resource: ResourceNames.memory,
    capacity: Metrics.memoryNodeCapacity,
    allocatable: Metrics.memoryNodeAllocatable,
    usage: Metrics.memoryUsage,
    request: Metrics.memoryRequest,
    utilization: Metrics.memoryNodeUtilization,
    reservation: Metrics.memoryNodeReservation,
    optional: false,
  },
  {
    resource: ResourceNames.ephemeralStorage,
    capacity: Metrics.ephemeralStorageNodeCapacity,
    allocatable: Metrics.ephemeralStorageNodeAllocatable,
    usage: Metrics.ephemeralStorageUsage,
    request: Metrics.ephemeralStorageRequest,
    utilization: Metrics.ephemeralStorageNodeUtilization,
    reservation: Metrics.ephemeralStorageNodeReservation,
    optional: true,
  },
];

export class NodeAutoscalingEnricher implements Processor {
  readonly name = 'processor/node_autoscaling_enricher';
  readonly #metadata: ClusterMetadata | undefined;
  readonly #labels: LabelCopier;

  constructor(metadata: ClusterMetadata | undefined, labels: LabelCopier) {
    this.#metadata = metadata;
    this.#labels = labels;
  }

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const metricSets = new Map<string, MetricSet>();
    const diagnostics: DiagnosticInput[] = [];
    for (const [key, set] of batch.metricSets) {
      const parsed = entityOfSet(set);
      if (parsed?.type !== EntityTypes.node) {
        metricSets.set(key, set);
        continue;
      }
      const node = this.#metadata?.getNode(parsed.nodeName);
      if (!node) {
        diagnostics.push({ key, stage: 'enrich', reason: 'missing-metadata', detail: missingMetadataDetail(this.#metadata, `node ${parsed.nodeName}`), node: parsed.nodeName });
        metricSets.set(key, set);
        continue;
      }
      metricSets.set(key, this.#enrich(set, node, diagnostics));
    }
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics });
  }

  #enrich(set: MetricSet, node: NodeInfo, diagnostics: DiagnosticInput[]): MetricSet {
    const metricValues = new Map<string, MetricValue>(set.metricValues);
    const zero: string[] = [];
    const noUsage: string[] = [];
    for (const spec of nodeResources) {
      const capacity = node.capacity[spec.resource];
      const allocatable = node.allocatable[spec.resource];
      if (spec.optional && (capacity === undefined || allocatable === undefined)) continue;
      metricValues.set(spec.capacity.name, floatValue(capacity ?? 0));
      metricValues.set(spec.allocatable.name, floatValue(allocatable ?? 0));
      if (!allocatable) {
        zero.push(spec.resource);
        continue;
      }
      const requested = set.metricValues.get(spec.request.name);
      // A node without pods has no summed request: it reserves nothing.
      metricValues.set(spec.reservation.name, floatValue((requested ? metricValueAsNumber(requested) : 0) / allocatable));
      const used = set.metricValues.get(spec.usage.name);
      if (used) metricValues.set(spec.utilization.name, floatValue(metricValueAsNumber(used) / allocatable));
      else noUsage.push(`${spec.usage.name} (so no ${spec.utilization.name})`);
    }
    if (zero.length > 0) {
      diagnostics.push({
        key: set.key,
        stage: 'enrich',
        reason: 'zero-allocatable',
        detail: `node ${node.name} reports zero allocatable ${zero.join(', ')}: utilization and reservation skipped`,
        node: node.name,
      });
    }
    if (noUsage.length > 0) {
      diagnostics.push({ key: set.key, stage: 'enrich', reason: 'missing-value', detail: `absent from this batch: ${noUsage.join(', ')}`, node: node.name });
    }
    return withChanges(set, { labels: { ...set.labels, ...this.#labels.labelsFor(node.labels) }, metricValues });
  }
}
