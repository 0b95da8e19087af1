import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDurationMs } from '@kubestats/core';
import type { ApiContext } from './api-context.js';
import { createApiServer } from './server.js';
import { parseCpuQuantity, parseMemoryQuantity } from './quantity.js';
import {
  nodeMetricsListSchema,
  nodeMetricsSchema,
  podMetricsListSchema,
  podMetricsSchema,
  statusSchema,
} from '../test-support/metrics-api-shapes.js';
import { healthyPipeline, hugeCounter, sampleApiContext, sampleResolutionMs, sampleTimeMs } from '../test-support/sample-api-context.js';

let app: FastifyInstance;
let context: ApiContext;

beforeEach(() => {
  context = sampleApiContext();
  app = createApiServer({ context });
});
afterEach(async () => {
  await app.close();
});

async function get(url: string) {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.body, json: () => response.json<Record<string, unknown>>(), headers: response.headers };
}

const v1beta1 = '/apis/metrics.k8s.io/v1beta1';

describe('metrics.k8s.io discovery', () => {
  it('serves the APIGroupList, APIGroup and APIResourceList', async () => {
    const groups = (await get('/apis')).json();
    expect(groups).toMatchObject({ kind: 'APIGroupList', groups: [{ name: 'metrics.k8s.io', preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1' } }] });
    expect((await get('/apis/metrics.k8s.io')).json()).toMatchObject({ kind: 'APIGroup', name: 'metrics.k8s.io', versions: [{ version: 'v1beta1' }] });
    const resources = (await get(v1beta1)).json();
    expect(resources).toMatchObject({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1' });
    expect(resources.resources).toEqual([
      expect.objectContaining({ name: 'nodes', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] }),
      expect.objectContaining({ name: 'pods', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] }),
    ]);
  });
});

describe('the v1beta1 shape schemas', () => {
  it('accept real metrics-server responses', () => {
    const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
    expect(nodeMetricsListSchema.safeParse(read('libcloud-gke-k8s-1.20-metrics-k8s-io-v1beta1-nodemetricslist.json')).success).toBe(true);
    expect(podMetricsListSchema.safeParse(read('libcloud-gke-k8s-1.20-metrics-k8s-io-v1beta1-podmetricslist.json')).success).toBe(true);
  });

  it('reject a usage value that is not a Kubernetes quantity', () => {
    const item = { kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: 'n', creationTimestamp: '2024-01-01T00:00:00Z' }, timestamp: '2024-01-01T00:00:00Z', window: '15s' };
    expect(nodeMetricsSchema.safeParse({ ...item, usage: { cpu: '250m' } }).success).toBe(true);
    expect(nodeMetricsSchema.safeParse({ ...item, usage: { cpu: '250 m' } }).success).toBe(false);
    expect(nodeMetricsSchema.safeParse({ ...item, usage: { cpu: 250 } }).success).toBe(false);
  });
});

describe('NodeMetrics', () => {
  it('lists nodes with both values, in the Kubernetes shape, with the real rate window', async () => {
    const response = await get(`${v1beta1}/nodes`);
    expect(response.status).toBe(200);
    const list = nodeMetricsListSchema.parse(response.json());
    expect(list.items.map((item) => item.metadata.name)).toEqual(['n1', 'n2']);
    const [n1, n2] = list.items;
    expect(n1?.usage).toEqual({ cpu: '3', memory: '2Gi' });
    expect(n1?.window).toBe('15s');
    expect(n1?.timestamp).toBe('2024-05-01T12:00:15Z');
    expect(n1?.metadata.labels).toMatchObject({ zone: 'a' });
    // n2 has no recorded window: the resolution is reported, not a constant.
    expect(parseDurationMs(n2?.window ?? '')).toBe(sampleResolutionMs);
    expect(parseCpuQuantity(n2?.usage.cpu ?? '')).toBe(500);
    expect(parseMemoryQuantity(n2?.usage.memory ?? '')).toBe(512 * 2 ** 20);
  });

  it('gets one node', async () => {
    const node = nodeMetricsSchema.parse((await get(`${v1beta1}/nodes/n1`)).json());
    expect(node.usage.cpu).toBe('3');
  });

  it('answers 404 with a Status naming the reason from the explain trail', async () => {
    const response = await get(`${v1beta1}/nodes/n3`);
    expect(response.status).toBe(404);
    const status = statusSchema.parse(response.json());
    expect(status.reason).toBe('NotFound');
    expect(status.message).toContain('nodemetrics.metrics.k8s.io "n3" not found');
    expect(status.message).toContain('scrape-refused');
    expect(status.message).toContain('connection refused');
  });

  it('filters by label and field selector', async () => {
    const byLabel = nodeMetricsListSchema.parse((await get(`${v1beta1}/nodes?labelSelector=zone%3Db`)).json());
    expect(byLabel.items.map((item) => item.metadata.name)).toEqual(['n2']);
    const byField = nodeMetricsListSchema.parse((await get(`${v1beta1}/nodes?fieldSelector=metadata.name%3Dn1`)).json());
    expect(byField.items.map((item) => item.metadata.name)).toEqual(['n1']);
    const notIn = nodeMetricsListSchema.parse((await get(`${v1beta1}/nodes?labelSelector=${encodeURIComponent('zone notin (a)')}`)).json());
    expect(notIn.items.map((item) => item.metadata.name)).toEqual(['n2']);
  });
});

describe('PodMetrics', () => {
  it('lists pods across namespaces, containers in spec order', async () => {
    const list = podMetricsListSchema.parse((await get(`${v1beta1}/pods`)).json());
    expect(list.items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`)).toEqual([
      'default/web-1',
      'default/web-2',
      'kube-system/dns-1',
    ]);
    expect(list.items[0]?.containers).toEqual([
      { name: 'web', usage: { cpu: '200m', memory: '100Mi' } },
      { name: 'sidecar', usage: { cpu: '40m', memory: '10Mi' } },
    ]);
    expect(list.items[0]?.window).toBe('15s');
  });

  it('serves a pod that misses one container with what exists', async () => {
    const pod = podMetricsSchema.parse((await get(`${v1beta1}/namespaces/default/pods/web-2`)).json());
    expect(pod.containers).toEqual([{ name: 'web', usage: { cpu: '600m', memory: '1536' } }]);
  });

  it('lists one namespace and applies selectors', async () => {
    const inNamespace = podMetricsListSchema.parse((await get(`${v1beta1}/namespaces/kube-system/pods`)).json());
    expect(inNamespace.items.map((item) => item.metadata.name)).toEqual(['dns-1']);
    const byLabel = podMetricsListSchema.parse((await get(`${v1beta1}/pods?labelSelector=${encodeURIComponent('app in (web),tier')}`)).json());
    expect(byLabel.items.map((item) => item.metadata.name)).toEqual(['web-1', 'web-2']);
    const byField = podMetricsListSchema.parse(
      (await get(`${v1beta1}/pods?fieldSelector=${encodeURIComponent('metadata.namespace!=default')}`)).json(),
    );
    expect(byField.items.map((item) => item.metadata.name)).toEqual(['dns-1']);
    const none = podMetricsListSchema.parse((await get(`${v1beta1}/namespaces/nowhere/pods`)).json());
    expect(none.items).toEqual([]);
  });

  it('answers 404 for a pod whose node is down, naming the node and the reason', async () => {
    const response = await get(`${v1beta1}/namespaces/default/pods/db-1`);
    expect(response.status).toBe(404);
    const status = statusSchema.parse(response.json());
    expect(status.message).toContain('podmetrics.metrics.k8s.io "default/db-1" not found');
    expect(status.message).toContain('scrape-refused');
    expect(response.json()).toMatchObject({ details: { name: 'db-1', group: 'metrics.k8s.io', kind: 'pods' } });
  });

  it.each([
    ['labelSelector', 'app=('],
    ['labelSelector', 'app in (web'],
    ['labelSelector', 'a=b=c'],
    ['labelSelector', '-bad'],
    ['fieldSelector', 'spec.nodeName=n1'],
    ['fieldSelector', 'metadata.name'],
  ])('answers 400 with a Status for %s=%s', async (name, value) => {
    const response = await get(`${v1beta1}/pods?${name}=${encodeURIComponent(value)}`);
    expect(response.status).toBe(400);
    const status = statusSchema.parse(response.json());
    expect(status.reason).toBe('BadRequest');
    expect(status.message).toContain(name);
  });

  it('answers 400 for a repeated selector and an overlong one', async () => {
    expect((await get(`${v1beta1}/pods?labelSelector=a&labelSelector=b`)).status).toBe(400);
    expect((await get(`${v1beta1}/nodes?labelSelector=${'a'.repeat(5000)}`)).status).toBe(400);
  });
});

describe('Heapster metrics/v1alpha1', () => {
  it('serves the same data without kind and with null items when empty', async () => {
    const nodes = (await get('/apis/metrics/v1alpha1/nodes')).json();
    expect(nodes.kind).toBeUndefined();
    expect((nodes.items as unknown[]).length).toBe(2);
    expect((await get('/apis/metrics/v1alpha1/namespaces/nowhere/pods')).json()).toEqual({ metadata: {}, items: null });
    expect((await get('/apis/metrics/v1alpha1/namespaces/default/pods/web-1')).json()).toMatchObject({
      metadata: { name: 'web-1', namespace: 'default' },
    });
  });
});

describe('Model API', () => {
  it('lists entities and metric names', async () => {
    expect((await get('/api/v1/model/nodes')).json()).toEqual(['n1', 'n2']);
    expect((await get('/api/v1/model/namespaces/')).json()).toEqual(['default', 'kube-system']);
    expect((await get('/api/v1/model/namespaces/default/pods')).json()).toEqual(['web-1', 'web-2']);
    expect((await get('/api/v1/model/namespaces/default/pods/web-1/containers')).json()).toEqual(['sidecar', 'web']);
    expect((await get('/api/v1/model/nodes/n1/metrics')).json()).toEqual(['cpu/usage', 'cpu/usage_rate', 'memory/working_set']);
    expect((await get('/api/v1/model/debug/allkeys')).json()).toContain('namespace:default/pod:web-1/container:web');
  });

  it('serves series over both batches, with aliases and time ranges', async () => {
    const series = (await get('/api/v1/model/namespaces/default/pods/web-1/containers/web/metrics/cpu-usage')).json();
    expect(series).toEqual({
      metrics: [
        { timestamp: '2024-05-01T12:00:00.000Z', value: 100 },
        { timestamp: '2024-05-01T12:00:15.000Z', value: 200 },
      ],
      latestTimestamp: '2024-05-01T12:00:15.000Z',
    });
    const late = (await get(`/api/v1/model/nodes/n1/metrics/cpu/usage_rate?start=${new Date(sampleTimeMs).toISOString()}`)).json();
    expect(late.metrics).toEqual([{ timestamp: '2024-05-01T12:00:15.000Z', value: 3000 }]);
    const empty = (await get('/api/v1/model/nodes/n9/metrics/cpu/usage_rate')).json();
    expect(empty).toEqual({ metrics: [], latestTimestamp: '0001-01-01T00:00:00Z' });
  });

  it('writes int64 counters exactly', async () => {
    const response = await get('/api/v1/model/nodes/n1/metrics/cpu/usage');
    expect(response.body).toContain(`"value":${hugeCounter}}`);
    expect(Number(hugeCounter).toString()).not.toBe(hugeCounter.toString());
  });

  it('serves the pod-list batch route in request order', async () => {
    const body = (await get('/api/v1/model/namespaces/default/pod-list/web-2,web-1/metrics/cpu-usage')).json();
    const items = body.items as { metrics: unknown[] }[];
    expect(items.map((item) => item.metrics.length)).toEqual([0, 2]);
  });

  it.each(['start=yesterday', 'end=2024-13-45', 'labels=nocolon', 'start=a&start=b'])('answers 400 for %s', async (query) => {
    const response = await get(`/api/v1/model/nodes/n1/metrics/cpu/usage_rate?${query}`);
    expect(response.status).toBe(400);
    expect(statusSchema.parse(response.json()).message.length).toBeGreaterThan(0);
  });
});

describe('explain API', () => {
  it('explains a served pod with its containers and diagnostics', async () => {
    const report = (await get('/api/v1/explain/namespaces/default/pods/web-1')).json();
    expect(report).toMatchObject({ kind: 'pod', namespace: 'default', name: 'web-1', node: 'n1', usable: true });
    expect((report.diagnostics as { reason: string }[]).map((d) => d.reason)).toEqual(['first-sample']);
  });

  it('explains a pod on a dead node', async () => {
    const report = (await get('/api/v1/explain/namespaces/default/pods/db-1')).json();
    expect(report).toMatchObject({ usable: false, node: 'n3' });
    expect(report.summary).toContain('scrape-refused');
    expect(report.diagnostics).toEqual([expect.objectContaining({ reason: 'scrape-refused', node: 'n3', stage: 'scrape' })]);
  });

  it('explains a node', async () => {
    expect((await get('/api/v1/explain/nodes/n1')).json()).toMatchObject({ kind: 'node', name: 'n1', usable: true });
    expect((await get('/api/v1/explain/nodes/n3')).json()).toMatchObject({ kind: 'node', usable: false });
  });
});

describe('health and self-metrics', () => {
  it('reports healthy, live and ready with sink states', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/healthz/healthz')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/livez')).toMatchObject({ status: 200, body: 'ok' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ ready: true, cyclesCompleted: 2, sinks: [{ name: 'sink/memory', ready: true }] });
  });

  it('fails each probe by its own rule', async () => {
    await app.close();
    app = createApiServer({
      context: sampleApiContext({
        health: () => ({ ...healthyPipeline, ready: false, healthy: false, live: false, detail: 'no cycle has completed yet', cyclesCompleted: 0 }),
      }),
    });
    expect(await get('/healthz')).toMatchObject({ status: 500, body: 'healthz check failed: no cycle has completed yet' });
    expect((await get('/livez')).status).toBe(500);
    expect((await get('/readyz')).status).toBe(503);
  });

  it('serves self-metrics in the Prometheus text format', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('kubestats_test_cycles_total 2');
  });
});

describe('malformed requests', () => {
  it('answers unknown paths with a 404 Status', async () => {
    const response = await get('/apis/metrics.k8s.io/v1beta1/widgets');
    expect(response.status).toBe(404);
    expect(statusSchema.parse(response.json()).reason).toBe('NotFound');
  });

  it('answers a bad percent-encoding and a non-GET method without crashing', async () => {
    const badEncoding = await get('/api/v1/explain/namespaces/default/pods/%E0%A4%A');
    expect(badEncoding.status).toBe(400);
    const post = await app.inject({ method: 'POST', url: `${v1beta1}/nodes`, payload: { a: 1 } });
    expect(post.statusCode).toBe(404);
    const huge = await get(`/api/v1/explain/nodes/${'x'.repeat(5000)}`);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
  });

  it('serves an empty store without errors', async () => {
    await app.close();
    const { FakeMetricsStore } = await import('../test-support/fake-metrics-store.js');
    app = createApiServer({ context: sampleApiContext({ store: new FakeMetricsStore() }) });
    expect(nodeMetricsListSchema.parse((await get(`${v1beta1}/nodes`)).json()).items).toEqual([]);
    expect((await get(`${v1beta1}/namespaces/default/pods/web-1`)).status).toBe(404);
    expect((await get('/api/v1/model/nodes')).json()).toEqual([]);
  });
});
