import { LabelKeys, Metrics, podContainerKey, podKey, staticClusterMetadata, type PodInfo } from '@kubestats/core';
import { buildBatch, factoryContract, nodeSet, podContainerSet, podSet, processorContract } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { LabelCopier } from './label-copier.js';
import { NamespaceEnricher } from './namespace-enricher.js';
import { namespaceEnricherFactory } from './namespace-enricher-factory.js';
import { NodeAutoscalingEnricher } from './node-autoscaling-enricher.js';
import { nodeAutoscalingEnricherFactory } from './node-autoscaling-enricher-factory.js';
import { PodEnricher } from './pod-enricher.js';
import { podEnricherFactory } from './pod-enricher-factory.js';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const signal = new AbortController().signal;
const copier = new LabelCopier({ separator: ',', ignoredLabels: [], storedLabels: [] });

const pod: PodInfo = {
  namespace: 'prod',
  name: 'web-1',
  uid: 'uid-1',
  nodeName: 'node-1',
  labels: { app: 'web' },
  phase: 'Running',
  startTimeMs: t0 - 60_000,
  creationTimeMs: t0 - 70_000,
  containers: [{ name: 'web', image: 'web:1', requests: { cpu: 100 }, limits: {}, restartCount: 2, containerId: undefined }],
};
const metadata = staticClusterMetadata({
  pods: [pod],
  namespaces: [{ name: 'prod', uid: 'ns-uid', labels: {} }],
  nodes: [
    {
      name: 'node-1',
      uid: 'n1',
      labels: { zone: 'a' },
      annotations: {},
      addresses: [],
      kubeletPort: 10250,
      ready: true,
      unschedulable: false,
      providerId: '',
      capacity: { cpu: 2000, memory: 1000 },
      allocatable: { cpu: 1000, memory: 500 },
      creationTimeMs: 0,
    },
  ],
});

const sampleInput = () =>
  buildBatch(t0, [
    podSet({ namespace: 'prod', pod: 'web-1', scrapeMs: t0, metrics: { 'network/rx_rate': 1 } }),
    podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', scrapeMs: t0, metrics: { 'cpu/usage_rate': 5n } }),
    podContainerSet({ namespace: 'prod', pod: 'ghost', container: 'x', scrapeMs: t0, metrics: { 'cpu/usage_rate': 5n } }),
    nodeSet({ node: 'node-1', scrapeMs: t0, metrics: { 'cpu/usage_rate': 500n, 'memory/usage': 100n } }),
  ]);

factoryContract(podEnricherFactory);
factoryContract(namespaceEnricherFactory);
factoryContract(nodeAutoscalingEnricherFactory);
processorContract({ name: 'pod_enricher', create: () => new PodEnricher(metadata, copier), input: sampleInput });
processorContract({ name: 'namespace_enricher', create: () => new NamespaceEnricher(metadata), input: sampleInput });
processorContract({ name: 'node_autoscaling_enricher', create: () => new NodeAutoscalingEnricher(metadata, copier), input: sampleInput });

describe('LabelCopier', () => {
  it('joins sorted key:value pairs with the separator, leaving out ignored labels', () => {
    const labels = new LabelCopier({ separator: ';', ignoredLabels: ['hash'], storedLabels: [] }).labelsFor({ b: '2', a: '1', hash: 'x' });
    expect(labels).toEqual({ [LabelKeys.labels]: 'a:1;b:2' });
  });

  it('stores chosen labels under their own or a new key, only when present', () => {
    const labels = new LabelCopier({ separator: ',', ignoredLabels: [], storedLabels: ['app', 'team=owner', 'absent'] }).labelsFor({
      app: 'web',
      owner: 'core',
    });
    expect(labels).toEqual({ [LabelKeys.labels]: 'app:web,owner:core', app: 'web', team: 'core' });
  });

  it('always sets the labels label, empty without labels', () => {
    expect(copier.labelsFor({})).toEqual({ [LabelKeys.labels]: '' });
  });
});

describe('without cluster metadata', () => {
  it('every enricher passes sets through and records missing-metadata naming the cause', async () => {
    const input = sampleInput();
    for (const processor of [new PodEnricher(undefined, copier), new NamespaceEnricher(undefined), new NodeAutoscalingEnricher(undefined, copier)]) {
      const result = await processor.process(input, signal);
      expect(result.diagnostics.length).toBeGreaterThan(0);
      for (const diagnostic of result.diagnostics) {
        expect(diagnostic.reason).toBe('missing-metadata');
        expect(diagnostic.detail).toContain('no cluster metadata configured');
      }
      for (const [key, set] of input.metricSets) expect(result.batch.metricSets.get(key)).toBe(set);
    }
  });

  it('says when the cache has not synced yet', async () => {
    const unsynced = { ...metadata, isSynced: () => false, getPod: () => undefined };
    const result = await new PodEnricher(unsynced, copier).process(sampleInput(), signal);
    expect(result.diagnostics[0]?.detail).toContain('initial sync');
  });
});

describe('PodEnricher', () => {
  it('rejects promptly when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    await expect(new PodEnricher(metadata, copier).process(sampleInput(), controller.signal)).rejects.toThrow('deadline');
  });

  it('fills the container from its spec and status, and the pod from the pod', async () => {
    const result = await new PodEnricher(metadata, copier).process(sampleInput(), signal);
    const container = result.batch.metricSets.get(podContainerKey('prod', 'web-1', 'web'))!;
    expect(container.metricValues.get(Metrics.cpuRequest.name)).toMatchObject({ value: 100n });
    expect(container.metricValues.get(Metrics.restartCount.name)).toMatchObject({ value: 2n });
    expect(container.labels[LabelKeys.containerBaseImage]).toBe('web:1');
    const podSetOut = result.batch.metricSets.get(podKey('prod', 'web-1'))!;
    expect(podSetOut.labels).toMatchObject({ [LabelKeys.podId]: 'uid-1', [LabelKeys.nodename]: 'node-1', [LabelKeys.labels]: 'app:web' });
    expect(podSetOut.entityCreateTimeMs).toBe(pod.startTimeMs);
    expect(result.diagnostics.map((d) => [d.key, d.reason])).toEqual([[podKey('prod', 'ghost'), 'missing-metadata']]);
  });

  it('keeps an image label the source already set', async () => {
    const input = buildBatch(t0, [podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', labels: { [LabelKeys.containerBaseImage]: 'web@sha256:1' } })]);
    const result = await new PodEnricher(metadata, copier).process(input, signal);
    expect(result.batch.metricSets.get(podContainerKey('prod', 'web-1', 'web'))?.labels[LabelKeys.containerBaseImage]).toBe('web@sha256:1');
  });
});

describe('NodeAutoscalingEnricher', () => {
  it('skips utilization without usage (missing-value) but still reports reservation 0', async () => {
    const result = await new NodeAutoscalingEnricher(metadata, copier).process(buildBatch(t0, [nodeSet({ node: 'node-1', metrics: { 'memory/usage': 250n } })]), signal);
    const node = result.batch.metricSets.get('node:node-1')!;
    expect(node.metricValues.has(Metrics.cpuNodeUtilization.name)).toBe(false);
    expect(node.metricValues.get(Metrics.cpuNodeReservation.name)).toMatchObject({ value: 0 });
    expect(node.metricValues.get(Metrics.memoryNodeUtilization.name)).toMatchObject({ value: 0.5 });
    expect(result.diagnostics.map((d) => d.reason)).toEqual(['missing-value']);
    expect(result.diagnostics[0]?.detail).toContain(Metrics.cpuUsageRate.name);
  });
});

describe('labels reused across cycles', () => {
  const cycle = () =>
    buildBatch(t0, [
      podSet({ namespace: 'prod', pod: 'web-1', scrapeMs: t0, metrics: { 'network/rx_rate': 1 } }),
      podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', node: 'node-1', scrapeMs: t0, metrics: { 'cpu/usage_rate': 5n } }),
    ]);
  const podK = podKey('prod', 'web-1');
  const containerK = podContainerKey('prod', 'web-1', 'web');

  it('pod_enricher hands out the same frozen labels while the decoded labels and the pod are the same', async () => {
    const enricher = new PodEnricher(metadata, copier);
    const first = (await enricher.process(cycle(), signal)).batch;
    const second = (await enricher.process(cycle(), signal)).batch;
    for (const key of [podK, containerK]) {
      expect(Object.isFrozen(first.metricSets.get(key)?.labels), key).toBe(true);
      expect(second.metricSets.get(key)?.labels, key).toBe(first.metricSets.get(key)?.labels);
    }
    // Same content again, but the container moved to another node: new labels, built as before.
    const moved = buildBatch(t0, [
      podSet({ namespace: 'prod', pod: 'web-1', scrapeMs: t0, metrics: {} }),
      podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', node: 'node-2', scrapeMs: t0, metrics: {} }),
    ]);
    const third = (await enricher.process(moved, signal)).batch;
    expect(third.metricSets.get(containerK)?.labels).not.toBe(first.metricSets.get(containerK)?.labels);
    expect(third.metricSets.get(containerK)?.labels).toMatchObject({ [LabelKeys.nodename]: 'node-2', [LabelKeys.podId]: 'uid-1' });
    expect(third.metricSets.get(podK)?.labels).toMatchObject({ [LabelKeys.nodename]: 'node-2' });
    expect(third.metricSets.get(podK)?.labels).not.toBe(first.metricSets.get(podK)?.labels);
  });

  it('pod_enricher builds new labels for a new version of the pod', async () => {
    const v2: PodInfo = { ...pod, labels: { app: 'web', tier: 'front' } };
    let current = pod;
    const changing = { ...metadata, getPod: () => current };
    const enricher = new PodEnricher(changing, copier);
    const first = (await enricher.process(cycle(), signal)).batch;
    current = v2;
    const second = (await enricher.process(cycle(), signal)).batch;
    expect(second.metricSets.get(containerK)?.labels).not.toBe(first.metricSets.get(containerK)?.labels);
    expect(second.metricSets.get(containerK)?.labels[LabelKeys.labels]).toBe('app:web,tier:front');
  });

  it('pod_enricher does not reuse labels whose keys come in another order', async () => {
    const enricher = new PodEnricher(metadata, copier);
    const input = cycle();
    const first = (await enricher.process(input, signal)).batch;
    const set = input.metricSets.get(containerK);
    if (!set) throw new Error('no container set');
    const reversed = Object.fromEntries(Object.entries(set.labels).reverse());
    const second = (await enricher.process(buildBatch(t0, [{ ...set, labels: reversed }]), signal)).batch;
    expect(second.metricSets.get(containerK)?.labels).not.toBe(first.metricSets.get(containerK)?.labels);
    expect(Object.keys(second.metricSets.get(containerK)?.labels ?? {})[0]).toBe(Object.keys(reversed)[0]);
  });

  it('namespace_enricher reuses its copy of a frozen labels object, and copies others every time', async () => {
    const enricher = new NamespaceEnricher(metadata);
    const frozen = Object.freeze({ ...podSet({ namespace: 'prod', pod: 'web-1', scrapeMs: t0, metrics: {} }).labels });
    const batchWith = (labels: Readonly<Record<string, string>>) =>
      buildBatch(t0, [{ ...podSet({ namespace: 'prod', pod: 'web-1', scrapeMs: t0, metrics: {} }), labels }]);
    const first = (await enricher.process(batchWith(frozen), signal)).batch.metricSets.get(podK)?.labels;
    const second = (await enricher.process(batchWith(frozen), signal)).batch.metricSets.get(podK)?.labels;
    expect(first).toMatchObject({ [LabelKeys.namespaceId]: 'ns-uid' });
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const open = { ...frozen };
    const third = (await enricher.process(batchWith(open), signal)).batch.metricSets.get(podK)?.labels;
    const fourth = (await enricher.process(batchWith(open), signal)).batch.metricSets.get(podK)?.labels;
    expect(third).toEqual(first);
    expect(fourth).not.toBe(third);
  });

  it('namespace_enricher replaces a cached copy when the namespace UID changes', async () => {
    let uid = 'ns-uid';
    const changing = { ...metadata, getNamespace: (name: string) => ({ name, uid, labels: {} }) };
    const enricher = new NamespaceEnricher(changing);
    const labels = Object.freeze({ ...podSet({ namespace: 'prod', pod: 'web-1', scrapeMs: t0, metrics: {} }).labels });
    const batch = buildBatch(t0, [{ ...podSet({ namespace: 'prod', pod: 'web-1', scrapeMs: t0, metrics: {} }), labels }]);
    await enricher.process(batch, signal);
    uid = 'ns-uid-2';
    const after = (await enricher.process(batch, signal)).batch.metricSets.get(podK)?.labels;
    expect(after?.[LabelKeys.namespaceId]).toBe('ns-uid-2');
  });

  it('pod_enricher reuses the labels of a container that is not in the spec', async () => {
    const enricher = new PodEnricher(metadata, copier);
    const extraK = podContainerKey('prod', 'web-1', 'sidecar');
    const withSidecar = () =>
      buildBatch(t0, [podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'sidecar', node: 'node-1', scrapeMs: t0, metrics: {} })]);
    const first = (await enricher.process(withSidecar(), signal)).batch.metricSets.get(extraK);
    const second = (await enricher.process(withSidecar(), signal)).batch.metricSets.get(extraK);
    expect(first?.labels).toMatchObject({ [LabelKeys.podId]: 'uid-1', [LabelKeys.labels]: 'app:web' });
    expect(first?.labels[LabelKeys.containerBaseImage]).toBeUndefined();
    expect(first?.metricValues.has(Metrics.cpuRequest.name)).toBe(false);
    expect(second?.labels).toBe(first?.labels);
  });
});

describe('pod_enricher request and limit metrics', () => {
  const spec = { image: 'app:1', requests: { cpu: 250 }, limits: { memory: 512 }, restartCount: 0, containerId: undefined };
  const twin = (name: string, restartCount = 0): PodInfo => ({
    ...pod,
    name,
    uid: `uid-${name}`,
    containers: [
      { ...spec, name: 'app', restartCount },
      { ...spec, name: 'proxy', restartCount },
    ],
  });
  const pods = [twin('a'), twin('b'), twin('c', 4)];
  const enricher = new PodEnricher(staticClusterMetadata({ pods }), copier);
  const containerSets = () =>
    buildBatch(
      t0,
      pods.flatMap((info) =>
        info.containers.map((container) =>
          podContainerSet({ namespace: 'prod', pod: info.name, container: container.name, scrapeMs: t0, metrics: { 'cpu/usage_rate': 5n } }),
        ),
      ),
    );

  it('share one value per metric between containers of the same requests, limits and restart count', async () => {
    const out = (await enricher.process(containerSets(), signal)).batch.metricSets;
    const value = (podName: string, container: string, metric: string) => out.get(podContainerKey('prod', podName, container))?.metricValues.get(metric);
    expect(value('a', 'app', Metrics.cpuRequest.name)).toEqual({ kind: 'int', type: 'gauge', value: 250n });
    expect(value('b', 'proxy', Metrics.memoryLimit.name)).toBe(value('a', 'app', Metrics.memoryLimit.name));
    expect(value('c', 'app', Metrics.restartCount.name)?.value).toBe(4n);
    expect(value('c', 'app', Metrics.restartCount.name)).not.toBe(value('a', 'app', Metrics.restartCount.name));
    expect(Object.isFrozen(value('a', 'app', Metrics.cpuRequest.name))).toBe(true);
    // The container's own metrics come first, then the added ones.
    expect([...(out.get(podContainerKey('prod', 'a', 'app'))?.metricValues.keys() ?? [])][0]).toBe('cpu/usage_rate');
  });

  it('give a stub the shared metrics of its spec container', async () => {
    const onlyApp = buildBatch(t0, [podContainerSet({ namespace: 'prod', pod: 'a', container: 'app', scrapeMs: t0, metrics: {} })]);
    const out = (await enricher.process(onlyApp, signal)).batch.metricSets;
    const stub = out.get(podContainerKey('prod', 'a', 'proxy'));
    expect(stub?.metricValues.get(Metrics.cpuRequest.name)?.value).toBe(250n);
    expect(stub?.metricValues.get(Metrics.cpuRequest.name)).toBe(out.get(podContainerKey('prod', 'a', 'app'))?.metricValues.get(Metrics.cpuRequest.name));
  });
});

describe('sets whose labels do not name their pod', () => {
  const containerK = podContainerKey('prod', 'web-1', 'web');
  const unlabeled = () => {
    const set = podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', scrapeMs: t0, metrics: {} });
    return buildBatch(t0, [{ ...set, labels: { [LabelKeys.nodename]: 'node-1' } }]);
  };

  it('pod_enricher finds the pod from the key', async () => {
    const out = (await new PodEnricher(metadata, copier).process(unlabeled(), signal)).batch.metricSets.get(containerK);
    expect(out?.labels).toMatchObject({ [LabelKeys.podId]: 'uid-1', [LabelKeys.containerBaseImage]: 'web:1' });
    expect(out?.metricValues.get(Metrics.cpuRequest.name)?.value).toBe(100n);
  });

  it('namespace_enricher finds the namespace from the key', async () => {
    const out = (await new NamespaceEnricher(metadata).process(unlabeled(), signal)).batch.metricSets.get(containerK);
    expect(out?.labels[LabelKeys.namespaceId]).toBe('ns-uid');
  });
});
