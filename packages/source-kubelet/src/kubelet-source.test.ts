import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  parseOptions,
  resolvePluginConfig,
  silentLogger,
  staticClusterMetadata,
  type ClusterMetadata,
  type NodeInfo,
  type PluginInit,
} from '@kubestats/core';
import { FakeClock, sourceContract } from '@kubestats/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeletSourceConfigSchema, type KubeletSourceConfig } from './kubelet-config-schema.js';
import { legacySourceFactory, resourceMetricsSourceFactory, summarySourceFactory } from './kubelet-source-factories.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const summaryBody = fixture('nri-kubernetes-k8s-1.35-stats-summary.json');
const resourceBody = fixture('metrics-server-kind-2021-10-metrics-resource.prom');
const seedBody = fixture('seed-article-stats-container-scrape-1.json');
const window = { startMs: Date.UTC(2026, 5, 26, 10, 20), endMs: Date.UTC(2026, 5, 26, 10, 21) };

const servers: Server[] = [];
async function kubelet(handler: Handler): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function node(name: string, port: number, ready = true): NodeInfo {
  return {
    name,
    uid: `uid-${name}`,
    labels: {},
    annotations: {},
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
    kubeletPort: port,
    ready,
    unschedulable: false,
    providerId: `test://${name}`,
    capacity: {},
    allocatable: {},
    creationTimeMs: 0,
  };
}

function init(options: Record<string, string>, metadata?: ClusterMetadata): PluginInit<KubeletSourceConfig> {
  const parsed = parseOptions(kubeletSourceConfigSchema, options);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { config: parsed.config, target: undefined, logger: silentLogger, clock: new FakeClock(), metadata };
}

describe('summary source over local kubelets', () => {
  let metadata: ClusterMetadata;
  const seen: { method?: string; url?: string }[] = [];
  beforeAll(async () => {
    const good = await kubelet((request, response) => {
      seen.push({ method: request.method, url: request.url });
      response.writeHead(200, { 'content-type': 'application/json' }).end(summaryBody);
    });
    const failing = await kubelet((_request, response) => response.writeHead(500).end('internal error'));
    const truncated = await kubelet((_request, response) => response.writeHead(200).end(summaryBody.slice(0, 1000)));
    const refused = await closedPort();
    metadata = staticClusterMetadata({
      nodes: [node('datagen-1-35', good), node('node-500', failing), node('node-truncated', truncated), node('node-refused', refused), node('node-down', good, false)],
    });
  });

  it('scrapes every Ready node; each failing node is one failure with a precise reason, the rest unaffected', async () => {
    const source = summarySourceFactory.create(init({ useNodeStatusPort: 'true' }, metadata));
    await source.start?.(new AbortController().signal);
    const result = await source.scrape(window, new AbortController().signal);
    await source.stop?.();

    expect(result.batch.timestampMs).toBe(window.endMs);
    expect(seen.at(-1)).toEqual({ method: 'GET', url: '/stats/summary' });
    const keys = [...result.batch.metricSets.keys()];
    expect(keys).toContain('node:datagen-1-35');
    // 17 pods in the fixture's summary, all from the one node that answered.
    expect(keys.filter((key) => /^namespace:[^/]+\/pod:[^/]+$/.test(key))).toHaveLength(17);
    const nodeSet = result.batch.metricSets.get('node:datagen-1-35');
    expect(nodeSet?.labels).toMatchObject({ nodename: 'datagen-1-35', hostname: 'datagen-1-35', host_id: 'test://datagen-1-35' });
    expect(result.batch.metricSets.get('namespace:kube-system/pod:kube-proxy-8k9zt')?.labels.nodename).toBe('datagen-1-35');

    const failures = new Map(result.failures.map((failure) => [failure.node ?? '', failure]));
    expect([...failures.keys()].sort()).toEqual(['node-500', 'node-refused', 'node-truncated']);
    expect(failures.get('node-500')).toMatchObject({ key: 'node:node-500', reason: 'scrape-http-error' });
    expect(failures.get('node-500')?.detail).toMatch(/^kubelet 127\.0\.0\.1:\d+: GET \/stats\/summary: HTTP 500: internal error$/);
    expect(failures.get('node-truncated')).toMatchObject({ key: 'node:node-truncated', reason: 'decode-error' });
    expect(failures.get('node-truncated')?.detail).toMatch(/: GET \/stats\/summary: truncated JSON at byte 1000/);
    expect(failures.get('node-refused')).toMatchObject({ reason: 'scrape-refused' });
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ key: 'node:node-down', reason: 'node-not-ready', stage: 'discovery' }));
    expect(source.health?.()).toEqual({ ready: false, detail: 'not started' });
  });

  it('reports its last cycle in health()', async () => {
    const source = summarySourceFactory.create(init({ useNodeStatusPort: 'true' }, metadata));
    await source.start?.(new AbortController().signal);
    await source.scrape(window, new AbortController().signal);
    expect(source.health?.()).toEqual({
      ready: true,
      detail: 'last scrape: 1/4 kubelets answered; failures {"decode-error":1,"scrape-http-error":1,"scrape-refused":1}',
    });
    await source.stop?.();
  });

  it('rejects with the cycle signal reason when the cycle aborts', async () => {
    const source = summarySourceFactory.create(init({ useNodeStatusPort: 'true' }, metadata));
    const cycle = new AbortController();
    cycle.abort(new Error('deadline'));
    await expect(source.scrape(window, cycle.signal)).rejects.toThrow('deadline');
  });
});

describe('resource metrics and legacy sources over static kubelets', () => {
  it('kubernetes.resource_metrics: GET /metrics/resource from kubelets=host:port', async () => {
    let url = '';
    const port = await kubelet((request, response) => {
      url = request.url ?? '';
      response.writeHead(200, { 'content-type': 'text/plain' }).end(resourceBody);
    });
    const source = resourceMetricsSourceFactory.create(init({ kubelets: `127.0.0.1:${port}` }));
    const result = await source.scrape(window, new AbortController().signal);
    await source.stop?.();
    expect(url).toBe('/metrics/resource');
    expect(result.failures).toEqual([]);
    expect(result.batch.metricSets.get('node:127.0.0.1')?.labels.nodename).toBe('127.0.0.1');
    // metrics-server's fixture: 70 pods, mostly sleeper-1/*.
    expect([...result.batch.metricSets.keys()].filter((key) => /^namespace:[^/]+\/pod:[^/]+$/.test(key)).length).toBeGreaterThan(0);
  });

  it('kubernetes (legacy): POST /stats/container, the seed case decodes to one container per pod', async () => {
    let method = '';
    const port = await kubelet((request, response) => {
      method = request.method ?? '';
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(seedBody));
    });
    const source = legacySourceFactory.create(init({ kubelets: `127.0.0.1:${port}` }));
    const result = await source.scrape(window, new AbortController().signal);
    await source.stop?.();
    expect(method).toBe('POST');
    expect(result.failures).toEqual([]);
    const containerKeys = [...result.batch.metricSets.keys()].filter((key) => key.includes('/container:neo-web'));
    expect(new Set(containerKeys).size).toBe(containerKeys.length);
    expect(containerKeys.length).toBeGreaterThan(0);
    expect(result.diagnostics.some((diagnostic) => diagnostic.reason === 'duplicate-cgroup-resolved')).toBe(true);
  });
});

describe('factories and config', () => {
  it('exposes the three Heapster URI types over one schema', () => {
    expect([summarySourceFactory, legacySourceFactory, resourceMetricsSourceFactory].map((factory) => [factory.kind, factory.type])).toEqual([
      ['source', 'kubernetes.summary_api'],
      ['source', 'kubernetes'],
      ['source', 'kubernetes.resource_metrics'],
    ]);
    expect(legacySourceFactory.configSchema).toBe(summarySourceFactory.configSchema);
  });

  it("parses a Heapster source URI with Heapster's defaults", () => {
    const { config, target } = resolvePluginConfig(
      summarySourceFactory,
      'kubernetes.summary_api:https://kubernetes.default?kubeletPort=10250&kubeletHttps=true&useServiceAccount=true&timeoutMs=5s',
    );
    expect(target).toBe('https://kubernetes.default');
    expect(config).toMatchObject({
      inClusterConfig: true,
      kubeletPort: 10250,
      kubeletHttps: true,
      insecure: false,
      useServiceAccount: true,
      addressTypes: ['InternalIP', 'Hostname', 'ExternalIP'],
      useNodeStatusPort: false,
      concurrency: 20,
      timeoutMs: 5000,
      maxResponseBytes: 52_428_800,
      kubelets: [],
    });
    expect(resolvePluginConfig(summarySourceFactory, "kubernetes.summary_api:''").config.kubeletPort).toBe(10255);
  });

  it('create() refuses a config with nothing to scrape or bad targets, listing every problem', () => {
    expect(() => summarySourceFactory.create(init({}))).toThrow(ConfigError);
    expect(() => summarySourceFactory.create(init({}))).toThrow(/kubelets: no cluster metadata \(apiserver\) and no kubelets=host:port/);
    expect(() => summarySourceFactory.create(init({ kubelets: 'http://x', addressTypes: 'InternalIp' }))).toThrow(
      /addressTypes: expected some of .*; kubelets: "http:\/\/x" is not host\[:port\]/,
    );
  });

  it('start() fails with a PermanentError naming a missing token or CA file', async () => {
    const withToken = summarySourceFactory.create(init({ kubelets: 'a', tokenFile: '/nonexistent/token' }));
    await expect(withToken.start?.(new AbortController().signal)).rejects.toThrow('kubelet bearer token: cannot read /nonexistent/token');
    const withCa = summarySourceFactory.create(init({ kubelets: 'a', kubeletHttps: 'true', kubeletCaFile: '/nonexistent/ca.crt' }));
    await expect(withCa.start?.(new AbortController().signal)).rejects.toThrow('kubelet CA: cannot read /nonexistent/ca.crt');
  });
});

let contractPort = 0;
beforeAll(async () => {
  contractPort = await kubelet((_request, response) => response.writeHead(200).end(summaryBody));
});
sourceContract({
  name: 'kubernetes.summary_api',
  create: () => summarySourceFactory.create(init({ kubelets: `127.0.0.1:${contractPort}` })),
});
