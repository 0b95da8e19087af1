/**
 * A small cluster for API tests: three nodes (n3's kubelet refuses connections), four pods (one missing a container,
 * one only in the metadata), two batches 15 s apart, diagnostics and a self-metrics registry.
 */
import {
  DiagnosticsLog,
  staticClusterMetadata,
  withRateWindowMs,
  type ContainerInfo,
  type MetricSet,
  type NodeInfo,
  type PodInfo,
} from '@kubestats/core';
import type { PipelineHealth } from '@kubestats/pipeline';
import { buildBatch, namespaceSet, nodeSet, podContainerSet, podSet } from '@kubestats/testing';
import { Counter, Registry } from 'prom-client';
import type { ApiContext } from '../api/api-context.js';
import { FakeMetricsStore } from './fake-metrics-store.js';

export const sampleTimeMs = Date.parse('2024-05-01T12:00:15Z');
export const sampleWindowMs = 15_000;
export const sampleResolutionMs = 60_000;
/** A cumulative CPU counter above 2^53, which a float would round. */
export const hugeCounter = 9_007_199_254_740_993n;

function node(name: string, labels: Record<string, string> = {}): NodeInfo {
  return {
    name,
    uid: `uid-${name}`,
    labels: { 'kubernetes.io/hostname': name, ...labels },
    annotations: {},
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
    kubeletPort: 10250,
    ready: true,
    unschedulable: false,
    providerId: '',
    capacity: { cpu: 4000, memory: 8 * 2 ** 30 },
    allocatable: { cpu: 4000, memory: 8 * 2 ** 30 },
    creationTimeMs: 0,
  };
}

function container(name: string): ContainerInfo {
  return { name, image: `${name}:1`, requests: {}, limits: {}, restartCount: 0, containerId: undefined };
}

function pod(namespace: string, name: string, nodeName: string, labels: Record<string, string>, containers: string[]): PodInfo {
  return {
    namespace,
    name,
    uid: `uid-${namespace}-${name}`,
    nodeName,
    labels,
    phase: 'Running',
    startTimeMs: 0,
    creationTimeMs: 0,
    containers: containers.map(container),
  };
}

export const sampleMetadata = staticClusterMetadata({
  nodes: [node('n1', { zone: 'a' }), node('n2', { zone: 'b' }), node('n3', { zone: 'b' })],
  pods: [
    pod('default', 'web-1', 'n1', { app: 'web', tier: 'front' }, ['web', 'sidecar']),
    pod('default', 'web-2', 'n1', { app: 'web', tier: 'front' }, ['web', 'sidecar']),
    pod('kube-system', 'dns-1', 'n2', { app: 'dns' }, ['dns']),
    pod('default', 'db-1', 'n3', { app: 'db' }, ['db']),
  ],
  namespaces: [
    { name: 'default', uid: 'uid-default', labels: {} },
    { name: 'kube-system', uid: 'uid-kube-system', labels: {} },
  ],
});

const mib = 2n ** 20n;

function sampleBatch(timestampMs: number, scale: number) {
  const windowed = (set: MetricSet): MetricSet => withRateWindowMs(set, sampleWindowMs);
  return buildBatch(timestampMs, [
    windowed(nodeSet({ node: 'n1', metrics: { 'cpu/usage_rate': 1500 * scale, 'memory/working_set': 2n * 1024n * mib, 'cpu/usage': hugeCounter } })),
    // n2's rate has no recorded window: the API falls back to the resolution.
    nodeSet({ node: 'n2', metrics: { 'cpu/usage_rate': 250 * scale, 'memory/working_set': 512n * mib } }),
    windowed(podContainerSet({ namespace: 'default', pod: 'web-1', container: 'web', node: 'n1', metrics: { 'cpu/usage_rate': 100 * scale, 'memory/working_set': 100n * mib } })),
    windowed(podContainerSet({ namespace: 'default', pod: 'web-1', container: 'sidecar', node: 'n1', metrics: { 'cpu/usage_rate': 20 * scale, 'memory/working_set': 10n * mib } })),
    // web-2's sidecar has no values at all (a stub): the pod is served with `web` only.
    windowed(podContainerSet({ namespace: 'default', pod: 'web-2', container: 'web', node: 'n1', metrics: { 'cpu/usage_rate': 300 * scale, 'memory/working_set': 1536n } })),
    podContainerSet({ namespace: 'default', pod: 'web-2', container: 'sidecar', node: 'n1', metrics: { 'cpu/request': 100 } }),
    windowed(podContainerSet({ namespace: 'kube-system', pod: 'dns-1', container: 'dns', node: 'n2', metrics: { 'cpu/usage_rate': 5 * scale, 'memory/working_set': 20n * mib } })),
    podSet({ namespace: 'default', pod: 'web-1', node: 'n1', metrics: { 'cpu/usage_rate': 120 * scale, 'memory/usage': 110n * mib } }),
    namespaceSet({ namespace: 'default', metrics: { 'cpu/usage_rate': 420 * scale } }),
  ]);
}

export function sampleStore(): FakeMetricsStore {
  return new FakeMetricsStore([sampleBatch(sampleTimeMs - sampleWindowMs, 1), sampleBatch(sampleTimeMs, 2)]);
}

export function sampleDiagnostics(): DiagnosticsLog {
  const log = new DiagnosticsLog();
  log.record({
    key: 'node:n3',
    stage: 'scrape',
    reason: 'scrape-refused',
    detail: 'kubelet 127.0.0.1:10250: GET /stats/summary: connection refused',
    node: 'n3',
    atMs: sampleTimeMs,
  });
  log.record({
    key: 'namespace:default/pod:web-1/container:web',
    stage: 'rate',
    reason: 'first-sample',
    detail: 'cpu/usage: first sample at 2024-05-01T12:00:00Z',
    atMs: sampleTimeMs - sampleWindowMs,
  });
  return log;
}

export const healthyPipeline: PipelineHealth = {
  ready: true,
  healthy: true,
  live: true,
  detail: 'ok: 2 cycles completed, 0 skipped',
  latestBatchTimestampMs: sampleTimeMs,
  cyclesCompleted: 2,
  cyclesSkipped: 0,
  sinks: [
    { name: 'sink/memory', ready: true, detail: 'ok', queueDepth: 0, lastSuccessMs: sampleTimeMs, droppedBatches: 0, droppedPoints: 0 },
  ],
};

export function sampleApiContext(overrides: Partial<ApiContext> = {}): ApiContext {
  const registry = new Registry();
  new Counter({ name: 'kubestats_test_cycles_total', help: 'cycles in the test', registers: [registry] }).inc(2);
  return {
    store: sampleStore(),
    metadata: sampleMetadata,
    diagnostics: sampleDiagnostics(),
    health: () => healthyPipeline,
    registry,
    resolutionMs: sampleResolutionMs,
    now: () => sampleTimeMs + 5000,
    ...overrides,
  };
}
