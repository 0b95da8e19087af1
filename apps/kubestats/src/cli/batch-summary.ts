/** `kubestats once`: one cycle's batch in a few lines (sets per entity type, failures, diagnostics by reason). */
import { countPoints, errorMessage, LabelKeys } from '@kubestats/core';
import type { CycleReport } from '@kubestats/pipeline';

export function renderBatchSummary(report: CycleReport): string {
  const { batch } = report;
  const byType = new Map<string, number>();
  for (const set of batch.metricSets.values()) {
    const type = set.labels[LabelKeys.type] ?? 'unknown';
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  const reasons = new Map<string, number>();
  for (const diagnostic of report.diagnostics) reasons.set(diagnostic.reason, (reasons.get(diagnostic.reason) ?? 0) + 1);
  const lines = [
    `batch ${new Date(batch.timestampMs).toISOString()} (window ${new Date(report.window.startMs).toISOString()} .. ${new Date(report.window.endMs).toISOString()}), cycle took ${report.durationMs} ms`,
    `metric sets: ${batch.metricSets.size} (${[...byType].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `${type} ${count}`).join(', ') || 'none'}), points: ${countPoints(batch)}`,
    `failures: ${report.failures.length}`,
    ...report.failures.slice(0, 20).map((failure) => `  ${failure.key}: ${failure.reason}: ${failure.detail}${failure.cause === undefined ? '' : ` (${errorMessage(failure.cause)})`}`),
    `diagnostics: ${report.diagnostics.length}${reasons.size > 0 ? ` (${[...reasons].sort(([a], [b]) => a.localeCompare(b)).map(([reason, count]) => `${reason} ${count}`).join(', ')})` : ''}`,
  ];
  return lines.join('\n');
}
