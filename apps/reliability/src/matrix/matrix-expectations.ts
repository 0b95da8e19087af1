/**
 * The named expected outcomes every kubelet fault row checks: other nodes unaffected, the failing node's pods
 * explain the exact reason, no negative or non-finite rate anywhere, and bounded state.
 */
import { podKey, rateDefinitions, type DataBatch, type DiagnosticReason, type MetricValue } from '@kubestats/core';
import { expect } from 'vitest';
import { explainPod } from '../../../kubestats/src/api/explain.js';
import type { MatrixHarness } from './kubelet-matrix-harness.js';

const rateNames = new Set(rateDefinitions.map(({ output }) => output.name));
const cpuRate = rateDefinitions[0]?.output.name ?? '';

function isBadRate(value: MetricValue): boolean {
  return value.kind === 'int' ? value.value < 0n : !(Number.isFinite(value.value) && value.value >= 0);
}

/** Every rate in the batch is finite and non-negative. */
export function expectNoNegativeRates(batch: DataBatch): void {
  const bad: string[] = [];
  for (const set of batch.metricSets.values()) {
    for (const [name, value] of set.metricValues) if (rateNames.has(name) && isBadRate(value)) bad.push(`${set.key} ${name}=${String(value.value)}`);
    for (const metric of set.labeledMetrics) if (rateNames.has(metric.name) && isBadRate(metric.value)) bad.push(`${set.key} ${metric.name}`);
  }
  expect(bad).toEqual([]);
}

/** Every pod of every node but `failingNodes` is in the batch with a cpu rate. */
export function expectOtherNodesUnaffected(harness: MatrixHarness, batch: DataBatch, failingNodes: readonly string[]): void {
  const missing: string[] = [];
  for (const node of harness.nodeNames) {
    if (failingNodes.includes(node)) continue;
    if (!batch.metricSets.has(`node:${node}`)) missing.push(`node:${node}`);
    for (const pod of harness.podsOn(node)) {
      const set = batch.metricSets.get(podKey(pod.namespace, pod.name));
      if (!set?.metricValues.has(cpuRate)) missing.push(`${pod.namespace}/${pod.name} ${cpuRate}`);
    }
  }
  expect(missing).toEqual([]);
}

/** Each pod of `node` is explained with `reason`, and the detail names the node's kubelet. */
export function expectPodsExplain(harness: MatrixHarness, node: string, reason: DiagnosticReason): string {
  const pods = harness.podsOn(node);
  expect(pods.length).toBeGreaterThan(0);
  let detail = '';
  for (const pod of pods) {
    const report = explainPod(harness.apiContext, pod.namespace, pod.name);
    const found = report.diagnostics.find((diagnostic) => diagnostic.reason === reason);
    expect(found, `${pod.namespace}/${pod.name}: ${JSON.stringify(report.diagnostics.map((d) => d.reason))}`).toBeDefined();
    expect(report.usable).toBe(false);
    expect(report.summary).toContain(reason);
    detail = found?.detail ?? '';
  }
  return detail;
}

/** The failures of a cycle, as `node reason`. */
export function failureReasons(failures: readonly { readonly key: string; readonly reason: string; readonly node?: string }[]): string[] {
  return failures.map((failure) => `${failure.node ?? failure.key} ${failure.reason}`);
}
