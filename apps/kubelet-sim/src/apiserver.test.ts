import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedCluster, type SimulatedCluster } from './simulated-cluster.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

interface List {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: { kind?: string; metadata: { name: string; namespace?: string; resourceVersion: string; labels?: Record<string, string> }; spec: Record<string, unknown>; status: Record<string, unknown> }[];
}

let cluster: SimulatedCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function start(): Promise<SimulatedCluster> {
  cluster = await startSimulatedCluster({ nodes: 3, podsPerNode: 2, containersPerPod: 2, seed: 9, clock: () => T0 });
  return cluster;
}

async function get<T>(c: SimulatedCluster, path: string, status = 200): Promise<T> {
  const res = await fetch(`${c.apiServerUrl}${path}`);
  expect(res.status).toBe(status);
  return (await res.json()) as T;
}

/** Reads watch lines until `count` events arrived (the stream stays open), then cancels it. */
async function readEvents(c: SimulatedCluster, path: string, count: number, afterOpen?: () => void): Promise<{ type: string; object: Record<string, unknown> & { metadata: Record<string, unknown> } }[]> {
  const res = await fetch(`${c.apiServerUrl}${path}`);
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: { type: string; object: Record<string, unknown> & { metadata: Record<string, unknown> } }[] = [];
  afterOpen?.();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, nl)) as (typeof events)[number]);
      buffer = buffer.slice(nl + 1);
    }
  }
  await reader.cancel();
  return events;
}

describe('apiserver reads', () => {
  it('serves discovery for kubectl-like clients', async () => {
    const c = await start();
    expect(await get<{ versions: string[] }>(c, '/api')).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const resources = await get<{ resources: { name: string; namespaced: boolean }[] }>(c, '/api/v1');
    expect(resources.resources.map((r) => [r.name, r.namespaced])).toEqual([
      ['namespaces', false],
      ['nodes', false],
      ['pods', true],
    ]);
    expect(await get(c, '/apis')).toMatchObject({ kind: 'APIGroupList', groups: [] });
  });

  it('lists nodes shaped like the real ones, with the kubelet port in daemonEndpoints', async () => {
    const c = await start();
    const list = await get<List>(c, '/api/v1/nodes');
    expect(list).toMatchObject({ kind: 'NodeList', apiVersion: 'v1' });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(list.items.map((n) => n.metadata.name)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(list.items[0]!.kind).toBeUndefined();
    const fixture = JSON.parse(readFileSync(new URL('./fixtures/nri-kubernetes-k8s-1.35-nodes.converted.json', import.meta.url), 'utf8')) as { items: { status: Record<string, unknown> }[] };
    for (const key of ['addresses', 'allocatable', 'capacity', 'conditions', 'daemonEndpoints', 'nodeInfo']) expect(Object.keys(list.items[1]!.status)).toContain(key);
    expect(Object.keys(fixture.items[0]!.status)).toEqual(expect.arrayContaining(Object.keys(list.items[1]!.status)));
    const status = list.items[1]!.status as { daemonEndpoints: { kubeletEndpoint: { Port: number } }; addresses: { type: string; address: string }[]; conditions: { type: string; status: string }[] };
    expect(status.daemonEndpoints.kubeletEndpoint.Port).toBe(c.kubelets[1]!.port);
    expect(status.addresses).toEqual([
      { address: '127.0.0.1', type: 'InternalIP' },
      { address: 'node-1', type: 'Hostname' },
    ]);
    expect(status.conditions.find((x) => x.type === 'Ready')?.status).toBe('True');
  });

  it('lists and gets pods with requests/limits, container statuses and selectors', async () => {
    const c = await start();
    const all = await get<List>(c, '/api/v1/pods');
    expect(all.kind).toBe('PodList');
    expect(all.items).toHaveLength(6);
    const onNode = await get<List>(c, '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-2');
    expect(onNode.items.map((p) => p.spec.nodeName)).toEqual(['node-2', 'node-2']);
    const first = all.items[0]!;
    const byLabel = await get<List>(c, `/api/v1/pods?labelSelector=${encodeURIComponent(`app=${first.metadata.labels!.app!}`)}`);
    expect(byLabel.items.every((p) => p.metadata.labels!.app === first.metadata.labels!.app)).toBe(true);
    expect((await get<List>(c, '/api/v1/pods?labelSelector=app%20notin%20(nothing)')).items).toHaveLength(6);
    const ns = first.metadata.namespace!;
    const inNs = await get<List>(c, `/api/v1/namespaces/${ns}/pods`);
    expect(inNs.items.every((p) => p.metadata.namespace === ns)).toBe(true);
    const one = await get<{ kind: string; spec: { containers: { resources: unknown }[] }; status: { phase: string; containerStatuses: { containerID: string; restartCount: number; state: { running: { startedAt: string } } }[] } }>(
      c,
      `/api/v1/namespaces/${ns}/pods/${first.metadata.name}`,
    );
    expect(one.kind).toBe('Pod');
    expect(one.status.phase).toBe('Running');
    const resources = one.spec.containers[0]!.resources as { requests: Record<string, string>; limits: Record<string, string> };
    expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(resources.limits).sort()).toEqual(['cpu', 'memory']);
    expect(resources.requests.cpu).toMatch(/^\d+m?$/);
    expect(one.status.containerStatuses[0]!.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(one.status.containerStatuses[0]!.state.running.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers Status objects: 404 NotFound, 400 for a bad selector, 405 for writes', async () => {
    const c = await start();
    expect(await get(c, '/api/v1/namespaces/default/pods/nope', 404)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "nope" not found' });
    expect(await get(c, '/api/v1/pods?fieldSelector=spec.bogus%3Dx', 400)).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.bogus' });
    expect(await get(c, '/api/v1/pods?labelSelector=%3D%3D%3D', 400)).toMatchObject({ reason: 'BadRequest' });
    expect(await get(c, '/api/v1/secrets', 404)).toMatchObject({ reason: 'NotFound' });
    expect((await fetch(`${c.apiServerUrl}/api/v1/pods`, { method: 'POST' })).status).toBe(405);
  });

  it('pages with limit/continue', async () => {
    const c = await start();
    const page1 = await get<List>(c, '/api/v1/pods?limit=4');
    expect(page1.items).toHaveLength(4);
    expect(page1.metadata.remainingItemCount).toBe(2);
    const page2 = await get<List>(c, `/api/v1/pods?limit=4&continue=${page1.metadata.continue!}`);
    expect(page2.items).toHaveLength(2);
    expect(page2.metadata.continue).toBeUndefined();
    const names = [...page1.items, ...page2.items].map((p) => p.metadata.name);
    expect(new Set(names).size).toBe(6);
  });
});

describe('apiserver watch', () => {
  it('without a resourceVersion sends ADDED for every object, then changes', async () => {
    const c = await start();
    const events = await readEvents(c, '/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dnode-0', 3, () => {
      c.addPod({ namespace: 'default', node: 'node-0', name: 'late' });
    });
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
    expect(events[2]!.object.metadata.name).toBe('late');
    expect(events[2]!.object.kind).toBe('Pod');
  });

  it('from a resourceVersion replays only later changes (MODIFIED on restart, DELETED on delete)', async () => {
    const c = await start();
    const list = await get<List>(c, '/api/v1/pods');
    const [a, b] = list.items;
    c.restartContainer(a!.metadata.namespace!, a!.metadata.name, 'main');
    c.deletePod(b!.metadata.namespace!, b!.metadata.name);
    const events = await readEvents(c, `/api/v1/pods?watch=true&resourceVersion=${list.metadata.resourceVersion}`, 2);
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['MODIFIED', a!.metadata.name],
      ['DELETED', b!.metadata.name],
    ]);
    expect(Number(events[1]!.object.metadata.resourceVersion)).toBeGreaterThan(Number(events[0]!.object.metadata.resourceVersion));
  });

  it('answers a too-old resourceVersion with an ERROR event carrying a 410 Expired Status', async () => {
    const c = await start();
    const events = await readEvents(c, '/api/v1/pods?watch=true&resourceVersion=1', 1);
    expect(events).toHaveLength(1);
    const { message, ...rest } = events[0]!.object;
    expect(events[0]!.type).toBe('ERROR');
    expect(rest).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410 });
    expect(message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it('sends BOOKMARK events when asked', async () => {
    cluster = await startSimulatedCluster({ nodes: 1, podsPerNode: 0, containersPerPod: 1, clock: () => T0, bookmarkIntervalMs: 1 });
    const rv = (await get<List>(cluster, '/api/v1/pods')).metadata.resourceVersion;
    const events = await readEvents(cluster, `/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`, 1);
    expect(events[0]).toEqual({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: rv } } });
  });
});

describe('apiserver with the real @kubernetes/client-node informer', () => {
  function kubeConfig(c: SimulatedCluster): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromString(c.kubeconfig());
    return kc;
  }

  it('lists, then sees a pod added and one deleted through the watch', async () => {
    const c = await start();
    const kc = kubeConfig(c);
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Pod>(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
    const added: string[] = [];
    let onAdded!: (name: string) => void;
    let onDeleted!: (name: string) => void;
    const addedNew = new Promise<string>((resolve) => (onAdded = resolve));
    const deleted = new Promise<string>((resolve) => (onDeleted = resolve));
    informer.on('add', (pod) => {
      added.push(pod.metadata!.name!);
      if (pod.metadata!.name === 'newcomer') onAdded(pod.metadata!.name);
    });
    informer.on('delete', (pod) => onDeleted(pod.metadata!.name!));
    await informer.start();
    try {
      expect(added).toHaveLength(6);
      const victim = informer.list()[0]!;
      c.addPod({ namespace: 'default', name: 'newcomer', node: 'node-1' });
      expect(await addedNew).toBe('newcomer');
      c.deletePod(victim.metadata!.namespace!, victim.metadata!.name!);
      expect(await deleted).toBe(victim.metadata!.name);
      expect(informer.list()).toHaveLength(6);
      expect(informer.get('newcomer', 'default')?.spec?.nodeName).toBe('node-1');
    } finally {
      await informer.stop();
    }
  });

  it('relists after a 410 Expired and picks up what changed meanwhile', async () => {
    const c = await start();
    const kc = kubeConfig(c);
    const core = kc.makeApiClient(CoreV1Api);
    let lists = 0;
    let onRelist!: () => void;
    const relisted = new Promise<void>((resolve) => (onRelist = resolve));
    const informer = makeInformer<V1Pod>(kc, '/api/v1/pods', async () => {
      lists += 1;
      const result = await core.listPodForAllNamespaces();
      if (lists === 2) onRelist();
      return result;
    });
    await informer.start();
    try {
      expect(lists).toBe(1);
      c.compactWatchHistory();
      await relisted;
      expect(lists).toBe(2);
      let onAdded!: () => void;
      const added = new Promise<void>((resolve) => (onAdded = resolve));
      informer.on('add', (pod) => {
        if (pod.metadata!.name === 'after-relist') onAdded();
      });
      c.addPod({ namespace: 'default', name: 'after-relist' });
      await added;
      expect(informer.list().map((p) => p.metadata!.name)).toContain('after-relist');
    } finally {
      await informer.stop();
    }
  });
});
