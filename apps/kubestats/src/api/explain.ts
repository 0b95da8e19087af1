/**
 * The explain trail for one pod or node: whether usable metrics exist, the latest values per container, and the
 * ordered diagnostics from every stage (which node was scraped when, dedupes, first samples, resets, missing
 * metadata, node failures). The HTTP API serves it as JSON; `kubestats explain` renders it in plain language.
 */
import {
  diagnosticReasons,
  EntityTypes,
  LabelKeys,
  nodeKey,
  parseKey,
  podKey,
  type DataBatch,
  type Diagnostic,
  type MetricValue,
} from '@kubestats/core';
import type { ApiContext } from './api-context.js';
import { collectNodeUsage, collectPodUsage } from './resource-usage.js';

export interface ExplainedDiagnostic {
  readonly at: string;
  readonly key: string;
  readonly stage: string;
  readonly reason: string;
  /** What the reason means, from core's vocabulary. */
  readonly meaning: string;
  readonly detail: string;
  readonly node: string | undefined;
}

export interface ExplainedEntity {
  readonly key: string;
  readonly name: string;
  /** Latest metric values, bigints as decimal strings. */
  readonly values: Readonly<Record<string, number | string>>;
}

export interface ExplainReport {
  readonly kind: 'pod' | 'node';
  readonly namespace: string | undefined;
  readonly name: string;
  readonly node: string | undefined;
  /** True when the metrics API serves CPU and memory for it. */
  readonly usable: boolean;
  readonly summary: string;
  readonly latestBatchTime: string | undefined;
  readonly entities: readonly ExplainedEntity[];
  readonly diagnostics: readonly ExplainedDiagnostic[];
}

function jsonValue(value: MetricValue): number | string {
  return value.kind === 'int' ? value.value.toString() : value.value;
}

function explainDiagnostic(diagnostic: Diagnostic): ExplainedDiagnostic {
  return {
    at: new Date(diagnostic.atMs).toISOString(),
    key: diagnostic.key,
    stage: diagnostic.stage,
    reason: diagnostic.reason,
    meaning: diagnosticReasons[diagnostic.reason],
    detail: diagnostic.detail,
    node: diagnostic.node,
  };
}

function entitiesUnder(batch: DataBatch | undefined, prefix: string): ExplainedEntity[] {
  if (!batch) return [];
  const entities: ExplainedEntity[] = [];
  for (const set of batch.metricSets.values()) {
    if (set.key !== prefix && !set.key.startsWith(`${prefix}/`)) continue;
    const parsed = parseKey(set.key);
    const name =
      parsed?.type === EntityTypes.podContainer || parsed?.type === EntityTypes.systemContainer ? parsed.containerName : set.key;
    const values: Record<string, number | string> = {};
    for (const [metricName, value] of [...set.metricValues].sort(([a], [b]) => a.localeCompare(b))) {
      values[metricName] = jsonValue(value);
    }
    entities.push({ key: set.key, name, values });
  }
  return entities.sort((a, b) => a.key.localeCompare(b.key));
}

function mostRecentProblem(diagnostics: readonly Diagnostic[]): Diagnostic | undefined {
  return diagnostics.at(-1);
}

export function explainPod(context: ApiContext, namespace: string, name: string): ExplainReport {
  const batch = context.store.latestBatch();
  const key = podKey(namespace, name);
  const usage = collectPodUsage(batch, context.metadata, context.resolutionMs).find(
    (pod) => pod.namespace === namespace && pod.name === name,
  );
  const podInfo = context.metadata?.getPod(namespace, name);
  const node = podInfo?.nodeName ?? usage?.nodeName ?? batch?.metricSets.get(key)?.labels[LabelKeys.nodename];
  const diagnostics = [...context.diagnostics.forKeyPrefix(key), ...(node ? context.diagnostics.forKey(nodeKey(node)) : [])].sort(
    (a, b) => a.atMs - b.atMs,
  );
  const usable =
    usage !== undefined && usage.containers.some((c) => c.cpuMillicores !== undefined && c.memoryWorkingSetBytes !== undefined);
  const problem = mostRecentProblem(diagnostics);
  let summary: string;
  if (usable) {
    summary = usage.missingContainers.length > 0
      ? `Metrics are served for ${namespace}/${name}, without container(s) ${usage.missingContainers.join(', ')}.`
      : `Metrics are served for ${namespace}/${name}.`;
  } else if (problem) {
    summary = `No usable metrics for ${namespace}/${name}: ${problem.reason} (${problem.detail}).`;
  } else if (!podInfo && context.metadata) {
    summary = `No usable metrics for ${namespace}/${name}: the pod is not in the cluster metadata and no kubelet reported it.`;
  } else {
    summary = `No usable metrics for ${namespace}/${name}: no kubelet reported it in the latest batch${node ? ` (node ${node})` : ''}.`;
  }
  return {
    kind: 'pod',
    namespace,
    name,
    node,
    usable,
    summary,
    latestBatchTime: batch ? new Date(batch.timestampMs).toISOString() : undefined,
    entities: entitiesUnder(batch, key),
    diagnostics: diagnostics.map(explainDiagnostic),
  };
}

export function explainNode(context: ApiContext, name: string): ExplainReport {
  const batch = context.store.latestBatch();
  const key = nodeKey(name);
  const usage = collectNodeUsage(batch, context.metadata, context.resolutionMs).find((node) => node.name === name);
  const diagnostics = context.diagnostics.forKeyPrefix(key);
  const usable = usage?.cpuMillicores !== undefined && usage.memoryWorkingSetBytes !== undefined;
  const problem = mostRecentProblem(diagnostics);
  const summary = usable
    ? `Metrics are served for node ${name}.`
    : problem
      ? `No usable metrics for node ${name}: ${problem.reason} (${problem.detail}).`
      : `No usable metrics for node ${name}: its kubelet did not report it in the latest batch.`;
  return {
    kind: 'node',
    namespace: undefined,
    name,
    node: name,
    usable,
    summary,
    latestBatchTime: batch ? new Date(batch.timestampMs).toISOString() : undefined,
    entities: entitiesUnder(batch, key),
    diagnostics: diagnostics.map(explainDiagnostic),
  };
}

/** Renders a report in one screen of plain language, for `kubestats explain`. */
export function renderExplainReport(report: ExplainReport): string {
  const title = report.kind === 'pod' ? `pod ${report.namespace}/${report.name}` : `node ${report.name}`;
  const lines = [
    `${title}${report.kind === 'pod' && report.node ? ` on node ${report.node}` : ''}`,
    `  ${report.usable ? 'OK' : 'NO METRICS'}: ${report.summary}`,
    `  latest batch: ${report.latestBatchTime ?? 'none yet'}`,
  ];
  if (report.entities.length > 0) lines.push('', 'latest values:');
  for (const entity of report.entities) {
    const cpu = entity.values['cpu/usage_rate'];
    const memory = entity.values['memory/working_set'];
    lines.push(`  ${entity.name}: cpu ${cpu === undefined ? '(none)' : `${cpu}m`}, working set ${memory === undefined ? '(none)' : `${memory} bytes`}`);
  }
  lines.push('', report.diagnostics.length > 0 ? 'what happened (oldest first):' : 'no diagnostics recorded: nothing was skipped, dropped or deduplicated.');
  for (const diagnostic of report.diagnostics) {
    lines.push(`  ${diagnostic.at}  ${diagnostic.stage}  ${diagnostic.reason}  ${diagnostic.key}`, `      ${diagnostic.detail}`, `      (${diagnostic.meaning})`);
  }
  return lines.join('\n');
}
