import { clusterKey, floatValue, intValue, LabelKeys, Metrics, namespaceKey, nodeKey, podKey, type DataBatch, type MetricSet, type Processor } from '@kubestats/core';
import { buildBatch, factoryContract, nodeSet, podContainerSet, podSet, processorContract } from '@kubestats/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterAggregator, clusterAggregatorFactory } from './cluster-aggregator.js';
import { sumMetricValues } from './metric-sum.js';
import { NamespaceAggregator, namespaceAggregatorFactory } from './namespace-aggregator.js';
import { NodeAggregator, nodeAggregatorFactory } from './node-aggregator.js';
import { PodAggregator, podAggregatorFactory } from './pod-aggregator.js';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const signal = new AbortController().signal;

const sampleInput = (): DataBatch =>
  buildBatch(t0, [
    nodeSet({ node: 'n1', scrapeMs: t0, metrics: { 'cpu/usage_rate': 900n } }),
    podSet({ namespace: 'a', pod: 'p1', node: 'n1', scrapeMs: t0, metrics: { 'memory/usage': 10n } }),
    podContainerSet({ namespace: 'a', pod: 'p1', container: 'c1', node: 'n1', scrapeMs: t0, metrics: { 'cpu/usage_rate': 5n, 'cpu/request': 1n } }),
    podContainerSet({ namespace: 'a', pod: 'p2', container: 'c1', node: 'n1', scrapeMs: t0, metrics: { 'cpu/usage_rate': 5n } }),
    podContainerSet({ namespace: 'a', pod: 'p2', container: 'c2', node: 'n1', scrapeMs: t0, metrics: { 'memory/usage': 3n } }),
  ]);

for (const factory of [podAggregatorFactory, namespaceAggregatorFactory, nodeAggregatorFactory, clusterAggregatorFactory]) factoryContract(factory);
processorContract({ name: 'pod_aggregator', create: () => new PodAggregator(), input: sampleInput });
processorContract({ name: 'namespace_aggregator', create: () => new NamespaceAggregator(), input: sampleInput });
processorContract({ name: 'node_aggregator', create: () => new NodeAggregator(), input: sampleInput });
processorContract({ name: 'cluster_aggregator', create: () => new ClusterAggregator(), input: sampleInput });

async function chain(batch: DataBatch): Promise<DataBatch> {
  const processors: Processor[] = [new PodAggregator(), new NamespaceAggregator(), new NodeAggregator(), new ClusterAggregator()];
  let current = batch;
  for (const processor of processors) current = (await processor.process(current, signal)).batch;
  return current;
}

describe('aggregators', () => {
  it('reject promptly with the reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    for (const processor of [new PodAggregator(), new NamespaceAggregator(), new NodeAggregator(), new ClusterAggregator()]) {
      await expect(processor.process(sampleInput(), controller.signal)).rejects.toThrow('deadline');
    }
  });

  it('share sets they do not change', async () => {
    const input = sampleInput();
    const result = await new PodAggregator().process(input, signal);
    expect(result.batch.metricSets.get(nodeKey('n1'))).toBe(input.metricSets.get(nodeKey('n1')));
  });

  it('give a created pod its nodename, so node aggregation counts it', async () => {
    const batch = await chain(sampleInput());
    expect(batch.metricSets.get(podKey('a', 'p2'))?.labels[LabelKeys.nodename]).toBe('n1');
    expect(batch.metricSets.get(nodeKey('n1'))?.metricValues.get(Metrics.cpuRequest.name)).toMatchObject({ value: 1n });
  });

  it('names the container a partial pod lacks', async () => {
    const result = await new PodAggregator().process(sampleInput(), signal);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ key: podKey('a', 'p2'), stage: 'aggregate', reason: 'partial-pod', node: 'n1' }),
    ]);
    expect(result.diagnostics[0]?.detail).toContain(`${Metrics.cpuUsageRate.name} absent for 1 of 2 containers (c2)`);
  });

  it('reports a node absent from the batch and a pod without nodename', async () => {
    const input = buildBatch(t0, [
      podSet({ namespace: 'a', pod: 'p1', node: 'gone', metrics: { 'cpu/request': 1n } }),
      podSet({ namespace: 'a', pod: 'p2', metrics: { 'cpu/request': 1n } }),
    ]);
    const result = await new NodeAggregator().process(input, signal);
    expect(result.diagnostics.map((d) => [d.key, d.reason])).toEqual([
      [podKey('a', 'p2'), 'missing-value'],
      [nodeKey('gone'), 'missing-value'],
    ]);
    expect(result.batch.metricSets.has(nodeKey('gone'))).toBe(false);
  });

  it('builds an empty cluster set when there are no namespaces', async () => {
    const result = await new ClusterAggregator().process(buildBatch(t0, []), signal);
    expect(result.batch.metricSets.get(clusterKey)?.metricValues.size).toBe(0);
  });
});

describe('sumMetricValues', () => {
  it('keeps ints exact past 2^53 and converts an int/float mix to the catalogue kind', () => {
    expect(sumMetricValues(Metrics.memoryUsage.name, [intValue(2n ** 60n), intValue(1n)])).toMatchObject({ kind: 'int', value: 2n ** 60n + 1n });
    expect(sumMetricValues(Metrics.memoryUsage.name, [intValue(1n), floatValue(1.6)])).toMatchObject({ kind: 'int', value: 3n });
    expect(sumMetricValues('custom/x', [intValue(1n), floatValue(1.5)])).toMatchObject({ kind: 'float', value: 2.5 });
    expect(sumMetricValues(Metrics.cpuNodeUtilization.name, [intValue(1n)])).toMatchObject({ kind: 'float', value: 1 });
  });
});

describe('aggregation properties', () => {
  const containerArb = fc.record({
    cpu: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: undefined }),
    memory: fc.option(fc.bigInt({ min: 0n, max: 2n ** 62n }), { nil: undefined }),
    request: fc.bigInt({ min: 0n, max: 10n ** 6n }),
  });
  const podArb = fc.record({
    namespace: fc.constantFrom('a', 'b', 'c'),
    node: fc.constantFrom('n1', 'n2'),
    containers: fc.array(containerArb, { minLength: 1, maxLength: 4 }),
  });

  it('every roll-up equals the sum of its parts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(podArb, { minLength: 1, maxLength: 12 }), async (pods) => {
        const sets: MetricSet[] = [nodeSet({ node: 'n1' }), nodeSet({ node: 'n2' })];
        pods.forEach((pod, index) => {
          pod.containers.forEach((container, cIndex) => {
            const metrics: Record<string, bigint> = { 'cpu/request': container.request };
            if (container.cpu !== undefined) metrics['cpu/usage_rate'] = container.cpu;
            if (container.memory !== undefined) metrics['memory/usage'] = container.memory;
            sets.push(podContainerSet({ namespace: pod.namespace, pod: `p${index}`, container: `c${cIndex}`, node: pod.node, metrics }));
          });
        });
        const batch = await chain(buildBatch(t0, sets));
        const value = (key: string, metric: string): bigint | undefined => {
          const found = batch.metricSets.get(key)?.metricValues.get(metric);
          return found?.kind === 'int' ? found.value : undefined;
        };
        const total = (values: (bigint | undefined)[]): bigint | undefined =>
          values.some((v) => v !== undefined) ? values.reduce<bigint>((sum, v) => sum + (v ?? 0n), 0n) : undefined;

        for (const metric of [Metrics.cpuUsageRate.name, Metrics.memoryUsage.name, Metrics.cpuRequest.name]) {
          const field = metric === Metrics.cpuUsageRate.name ? 'cpu' : metric === Metrics.memoryUsage.name ? 'memory' : 'request';
          pods.forEach((pod, index) => {
            expect(value(podKey(pod.namespace, `p${index}`), metric)).toBe(total(pod.containers.map((c) => c[field])));
          });
          for (const namespace of ['a', 'b', 'c']) {
            const parts = pods.flatMap((pod, index) => (pod.namespace === namespace ? [value(podKey(namespace, `p${index}`), metric)] : []));
            if (parts.length > 0) expect(value(namespaceKey(namespace), metric)).toBe(total(parts));
          }
          const namespaces = ['a', 'b', 'c'].filter((ns) => batch.metricSets.has(namespaceKey(ns)));
          expect(value(clusterKey, metric)).toBe(total(namespaces.map((ns) => value(namespaceKey(ns), metric))));
        }
        for (const node of ['n1', 'n2']) {
          const parts = pods.flatMap((pod, index) => (pod.node === node ? [value(podKey(pod.namespace, `p${index}`), Metrics.cpuRequest.name)] : []));
          expect(value(nodeKey(node), Metrics.cpuRequest.name)).toBe(total(parts));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('large namespaces', () => {
  it('aggregates a namespace of 200,000 pods (a spread of their scrape times would overflow the call stack)', async () => {
    const pods: MetricSet[] = Array.from({ length: 200_000 }, (_, index) => ({
      key: podKey('big', `p${index}`),
      labels: { [LabelKeys.type]: 'pod', [LabelKeys.namespaceName]: 'big', [LabelKeys.podName]: `p${index}` },
      metricValues: new Map([[Metrics.memoryUsage.name, intValue(1n)]]),
      labeledMetrics: [],
      collectionStartTimeMs: 0,
      entityCreateTimeMs: 0,
      scrapeTimeMs: t0 - (index % 7),
    }));
    const result = await new NamespaceAggregator().process({ timestampMs: t0 + 5, metricSets: new Map(pods.map((set) => [set.key, set])) }, signal);
    const namespace = result.batch.metricSets.get(namespaceKey('big'));
    expect(namespace?.scrapeTimeMs).toBe(t0);
    expect(namespace?.metricValues.get(Metrics.memoryUsage.name)).toEqual(intValue(200_000n));
  });
});

describe('pod_aggregator finding pods', () => {
  it('finds the pod set wherever it comes in the batch, and keeps its labels object when nothing is added', async () => {
    const pod = podSet({ namespace: 'a', pod: 'p1', node: 'n1', scrapeMs: t0, metrics: { 'memory/usage': 10n } });
    const batch = buildBatch(t0, [
      podContainerSet({ namespace: 'a', pod: 'p1', container: 'c1', node: 'n1', scrapeMs: t0, metrics: { 'cpu/request': 1n } }),
      podContainerSet({ namespace: 'a', pod: 'p1', container: 'c2', node: 'n1', scrapeMs: t0, metrics: { 'cpu/request': 2n } }),
      pod,
    ]);
    const out = (await new PodAggregator().process(batch, signal)).batch;
    expect([...out.metricSets.keys()]).toEqual([...batch.metricSets.keys()]);
    const aggregated = out.metricSets.get(podKey('a', 'p1'));
    expect(aggregated?.metricValues.get('cpu/request')).toEqual(intValue(3n));
    expect(aggregated?.metricValues.get('memory/usage')).toEqual(intValue(10n));
    expect(aggregated?.labels).toBe(pod.labels);
  });

  it('groups containers by their labels, and by their key when labels are absent', async () => {
    const labelled = podContainerSet({ namespace: 'a', pod: 'p1', container: 'c1', node: 'n1', scrapeMs: t0, metrics: { 'cpu/request': 1n } });
    const bare = { ...podContainerSet({ namespace: 'a', pod: 'p1', container: 'c2', scrapeMs: t0, metrics: { 'cpu/request': 2n } }), labels: {} };
    const out = (await new PodAggregator().process(buildBatch(t0, [labelled, bare]), signal)).batch;
    const created = out.metricSets.get(podKey('a', 'p1'));
    expect(created?.metricValues.get('cpu/request')).toEqual(intValue(3n));
    expect(created?.labels).toMatchObject({ type: 'pod', namespace_name: 'a', pod_name: 'p1', nodename: 'n1' });
  });
});
