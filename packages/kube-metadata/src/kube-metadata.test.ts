import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock, RecordingLogger } from '@kubestats/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKubeMetadata, type KubeMetadata } from './kube-metadata.js';

type Kind = 'nodes' | 'pods' | 'namespaces';
interface ApiObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  [key: string]: unknown;
}
interface WatchEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: ApiObject;
}

/** Watch events cross a real HTTP stream: give them the time a loaded CI machine needs (vitest's default is 1 s). */
const watchEventWait = { timeout: 10_000, interval: 20 };
const listKinds: Record<Kind, string> = { nodes: 'NodeList', pods: 'PodList', namespaces: 'NamespaceList' };

function fixtureItems(file: string): ApiObject[] {
  const list = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { items: ApiObject[] };
  return list.items;
}

/**
 * A minimal apiserver: list and `?watch=true` for nodes, pods and namespaces, with resource versions, an event log
 * replayed to watches that resume from an older version, 410 Gone below a threshold, and switches to fail requests.
 */
class ApiserverStub {
  readonly server: Server;
  url = '';
  rv = 1000;
  readonly store: Record<Kind, Map<string, ApiObject>> = { nodes: new Map(), pods: new Map(), namespaces: new Map() };
  readonly log: Record<Kind, WatchEvent[]> = { nodes: [], pods: [], namespaces: [] };
  readonly openWatches: Record<Kind, Set<ServerResponse>> = { nodes: new Set(), pods: new Set(), namespaces: new Set() };
  readonly lists: Record<Kind, number> = { nodes: 0, pods: 0, namespaces: 0 };
  readonly watchRequests: { kind: Kind; resourceVersion: string }[] = [];
  /** Watches resuming below this version get 410 Gone, as an ERROR event (`event`) or an HTTP status (`status`). */
  goneBelow: { rv: number; as: 'event' | 'status' } | undefined;
  listStatus: Partial<Record<Kind, number>> = {};
  watchStatus: number | undefined;

  constructor() {
    this.server = createServer((request, response) => this.#handle(request, response));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  load(kind: Kind, items: readonly ApiObject[]): void {
    for (const item of items) {
      const object = structuredClone(item);
      object.metadata.resourceVersion = String(++this.rv);
      this.store[kind].set(this.#key(object), object);
    }
  }

  /** Changes the store and tells every open watch, like the apiserver does. */
  emit(kind: Kind, type: WatchEvent['type'], item: ApiObject): void {
    const object = structuredClone(item);
    const rv = ++this.rv;
    object.metadata.resourceVersion = String(rv);
    if (type === 'DELETED') this.store[kind].delete(this.#key(object));
    else this.store[kind].set(this.#key(object), object);
    const event = { rv, type, object };
    this.log[kind].push(event);
    for (const response of this.openWatches[kind]) this.#send(response, event);
  }

  /** Changes the store without telling anyone (an event the watcher missed, e.g. while compacted away). */
  silently(kind: Kind, change: (store: Map<string, ApiObject>) => void): void {
    change(this.store[kind]);
    this.rv++;
  }

  /** Ends every open watch of a kind cleanly, as the apiserver does at its watch timeout. */
  dropWatches(kind: Kind): void {
    for (const response of this.openWatches[kind]) response.end();
    this.openWatches[kind].clear();
  }

  #key(object: ApiObject): string {
    return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  }

  #send(response: ServerResponse, event: WatchEvent): void {
    response.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://stub');
    const match = /^\/api\/v1\/(nodes|pods|namespaces)$/.exec(url.pathname);
    const kind = match?.[1] as Kind | undefined;
    if (!kind) {
      response.writeHead(404).end();
      return;
    }
    const json = { 'content-type': 'application/json' };
    const status = (code: number, message: string): string =>
      JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
    if (url.searchParams.get('watch') !== 'true') {
      this.lists[kind]++;
      const failWith = this.listStatus[kind];
      if (failWith !== undefined) {
        response.writeHead(failWith, json).end(status(failWith, `${kind} is forbidden: User "test" cannot list resource "${kind}"`));
        return;
      }
      const body = { kind: listKinds[kind], apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items: [...this.store[kind].values()] };
      response.writeHead(200, json).end(JSON.stringify(body));
      return;
    }
    const resourceVersion = url.searchParams.get('resourceVersion') ?? '';
    this.watchRequests.push({ kind, resourceVersion });
    if (this.watchStatus !== undefined) {
      response.writeHead(this.watchStatus, json).end(status(this.watchStatus, 'watch failed'));
      return;
    }
    const from = Number(resourceVersion);
    if (this.goneBelow && from < this.goneBelow.rv) {
      const gone = status(410, `too old resource version: ${from} (${this.goneBelow.rv})`);
      if (this.goneBelow.as === 'status') response.writeHead(410, json).end(gone);
      else response.writeHead(200, json).end(`${JSON.stringify({ type: 'ERROR', object: JSON.parse(gone) as unknown })}\n`);
      return;
    }
    response.writeHead(200, { ...json, 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    for (const event of this.log[kind]) if (event.rv > from) this.#send(response, event);
    this.openWatches[kind].add(response);
    response.on('close', () => this.openWatches[kind].delete(response));
  }
}

const nodes = [...fixtureItems('nri-kubernetes-k8s-1.35-nodes.converted.json'), ...fixtureItems('nri-kubernetes-k8s-1.16-nodes.converted.json')];
const pods = fixtureItems('nri-kubernetes-k8s-1.35-kubelet-pods.json');
const namespaces: ApiObject[] = [...new Set(pods.map((pod) => pod.metadata.namespace ?? ''))].map((name, index) => ({
  metadata: { name, uid: `ns-uid-${index}`, labels: { 'kubernetes.io/metadata.name': name } },
}));
const newPod = structuredClone(pods[0]!);
newPod.metadata = { ...newPod.metadata, name: 'web-added', uid: 'uid-web-added', creationTimestamp: '2026-06-26T11:00:00Z' };

describe('createKubeMetadata against a local apiserver stub', () => {
  let stub: ApiserverStub;
  let metadata: KubeMetadata | undefined;
  let clock: FakeClock;

  beforeEach(async () => {
    stub = new ApiserverStub();
    stub.load('nodes', nodes);
    stub.load('pods', pods);
    stub.load('namespaces', namespaces);
    await stub.listen();
    clock = new FakeClock();
  });

  afterEach(async () => {
    await metadata?.stop();
    metadata = undefined;
    await stub.close();
  });

  async function started(extra: { resyncMs?: number; logger?: RecordingLogger } = {}): Promise<KubeMetadata> {
    metadata = createKubeMetadata({ apiServerUrl: stub.url, inClusterConfig: false, clock, ...extra });
    await metadata.start(new AbortController().signal);
    return metadata;
  }

  it('lists nodes, pods and namespaces and converts them', async () => {
    const cluster = await started();
    expect(cluster.isSynced()).toBe(true);
    expect(cluster.health().ready).toBe(true);
    expect(cluster.listNodes().map((node) => node.name).sort()).toEqual(['datagen-1-35', 'minikube']);
    expect(cluster.listPods()).toHaveLength(24);
    expect(cluster.listNamespaces().map((namespace) => namespace.name).sort()).toEqual(['kube-system', 'scraper']);

    // Checked by hand against nri-kubernetes-k8s-1.35-nodes.converted.json.
    expect(cluster.getNode('datagen-1-35')).toMatchObject({
      uid: '21df3009-f9ff-40ad-a737-1d905c4f7c76',
      addresses: [
        { type: 'InternalIP', address: '192.168.67.2' },
        { type: 'Hostname', address: 'datagen-1-35' },
      ],
      kubeletPort: 10250,
      ready: true,
      unschedulable: false,
      providerId: '',
      capacity: { cpu: 14_000, memory: 8_024_304 * 1024, pods: 110, 'ephemeral-storage': 954_976_684 * 1024 },
      creationTimeMs: Date.parse('2026-06-26T10:12:11Z'),
    });
    expect(cluster.getNode('minikube')?.allocatable.cpu).toBe(2000);
    // Checked by hand against nri-kubernetes-k8s-1.35-kubelet-pods.json.
    expect(cluster.getPod('scraper', 'e2e-hpa-6cd8d99884-tggnr')).toMatchObject({
      uid: '3ea3ef66-5f89-43b7-b88b-6ee26f5b18a4',
      nodeName: 'datagen-1-35',
      phase: 'Running',
      labels: { app: 'hpa', run: 'php-apache' },
      startTimeMs: Date.parse('2026-06-26T10:12:51Z'),
      containers: [
        {
          name: 'php-apache',
          image: 'docker.io/library/nginx:alpine',
          requests: { cpu: 200 },
          limits: { cpu: 500 },
          restartCount: 0,
          containerId: 'containerd://77bb57d9a0006a5ac95a6fa541b2f2a646943143fe1d906aaf70a392d9a62b83',
        },
      ],
    });
    expect(cluster.getPod('scraper', 'e2e-container-creating')?.containers[0]).toMatchObject({
      restartCount: 2,
      requests: { cpu: 5, memory: 5_000_000 },
    });
    expect(cluster.getPod('kube-system', 'metrics-server-9d74bb658-c6nnt')?.containers[0]?.requests).toEqual({ cpu: 100, memory: 200 * 2 ** 20 });
    expect(cluster.getNamespace('scraper')?.uid).toMatch(/^ns-uid-/);
    expect(stub.lists).toEqual({ nodes: 1, pods: 1, namespaces: 1 });
  });

  it('applies watch events: added, modified and deleted pods', async () => {
    const cluster = await started();
    stub.emit('pods', 'ADDED', newPod);
    await vi.waitFor(() => expect(cluster.getPod('scraper', 'web-added')).toBeDefined(), watchEventWait);
    // Watch events carry raw JSON: timestamps are strings, and still convert.
    expect(cluster.getPod('scraper', 'web-added')?.creationTimeMs).toBe(Date.parse('2026-06-26T11:00:00Z'));
    expect(cluster.listPods()).toHaveLength(25);

    stub.emit('pods', 'MODIFIED', { ...newPod, metadata: { ...newPod.metadata, labels: { app: 'web' } } });
    await vi.waitFor(() => expect(cluster.getPod('scraper', 'web-added')?.labels).toEqual({ app: 'web' }), watchEventWait);

    stub.emit('pods', 'DELETED', newPod);
    await vi.waitFor(() => expect(cluster.getPod('scraper', 'web-added')).toBeUndefined(), watchEventWait);
    expect(cluster.listPods()).toHaveLength(24);
    expect(stub.lists.pods).toBe(1);
  });

  it('converts each listed or watched object version once, when it arrives, and never a deleted one', async () => {
    // An unparseable quantity is warned about at each conversion, so the warnings count the conversions.
    const badPod = structuredClone(newPod);
    badPod.metadata = { ...badPod.metadata, name: 'bad-quantity' };
    const spec = badPod['spec'] as { containers: { resources?: unknown }[] };
    spec.containers = spec.containers.map((container) => ({ ...container, resources: { requests: { cpu: 'lots' } } }));
    stub.load('pods', [badPod]);
    const logger = new RecordingLogger();
    const conversions = (): number => logger.records.filter((record) => record.includes('unparseable resource quantity')).length;
    const cluster = await started({ logger });
    expect(conversions()).toBe(1);

    const info = cluster.getPod('scraper', 'bad-quantity');
    expect(info?.containers[0]?.requests).toEqual({});
    // Reads return the info made at list time: same object, no conversion.
    expect(cluster.getPod('scraper', 'bad-quantity')).toBe(info);
    expect(cluster.listPods()).toContain(info);
    expect(conversions()).toBe(1);

    stub.emit('pods', 'MODIFIED', { ...badPod, metadata: { ...badPod.metadata, labels: { app: 'bad' } } });
    await vi.waitFor(() => expect(cluster.getPod('scraper', 'bad-quantity')?.labels).toEqual({ app: 'bad' }), watchEventWait);
    expect(conversions()).toBe(2);
    cluster.listPods();
    expect(conversions()).toBe(2);

    stub.emit('pods', 'DELETED', badPod);
    await vi.waitFor(() => expect(cluster.getPod('scraper', 'bad-quantity')).toBeUndefined(), watchEventWait);
    expect(conversions()).toBe(2);
  });

  it('resumes a dropped watch from its resource version without relisting', async () => {
    const cluster = await started();
    const rvBefore = stub.rv;
    stub.dropWatches('nodes');
    await vi.waitFor(() => expect(stub.watchRequests.filter((request) => request.kind === 'nodes')).toHaveLength(2), watchEventWait);
    expect(stub.watchRequests.at(-1)?.resourceVersion).toBe(String(rvBefore));
    expect(stub.lists.nodes).toBe(1);
    expect(cluster.listNodes()).toHaveLength(2);
  });

  it.each(['event', 'status'] as const)('relists after a watch drop answered with 410 Gone (%s)', async (as) => {
    const cluster = await started();
    // The watcher misses a deletion; its resource version is then compacted away.
    stub.silently('pods', (store) => store.delete('scraper/e2e-hpa-6cd8d99884-tggnr'));
    stub.goneBelow = { rv: stub.rv, as };
    stub.dropWatches('pods');
    await vi.waitFor(() => expect(stub.lists.pods).toBe(2), watchEventWait);
    await vi.waitFor(() => expect(cluster.getPod('scraper', 'e2e-hpa-6cd8d99884-tggnr')).toBeUndefined(), watchEventWait);
    expect(cluster.listPods()).toHaveLength(23);
    expect(cluster.health().ready).toBe(true);
  });

  it('restarts a failed watch after a backoff on the clock, and catches up on missed events', async () => {
    const cluster = await started();
    stub.watchStatus = 500;
    stub.dropWatches('pods');
    await vi.waitFor(() => expect(cluster.health().detail).toMatch(/pods: retrying in 1000 ms after: .*Internal Server Error/), watchEventWait);
    const watchesBefore = stub.watchRequests.length;
    stub.watchStatus = undefined;
    stub.emit('pods', 'ADDED', newPod);
    expect(cluster.getPod('scraper', 'web-added')).toBeUndefined();
    await clock.advance(999);
    expect(stub.watchRequests.length).toBe(watchesBefore);
    await clock.advance(1);
    await vi.waitFor(() => expect(cluster.getPod('scraper', 'web-added')).toBeDefined(), watchEventWait);
    expect(cluster.health().detail).toContain('pods: watching (25 objects)');
  });

  it('doubles the backoff while the watch keeps failing', async () => {
    const cluster = await started();
    stub.watchStatus = 500;
    stub.dropWatches('namespaces');
    await vi.waitFor(() => expect(cluster.health().detail).toContain('namespaces: retrying in 1000 ms'), watchEventWait);
    await clock.advance(1000);
    await vi.waitFor(() => expect(cluster.health().detail).toContain('namespaces: retrying in 2000 ms'), watchEventWait);
  });

  it('relists every kind each resyncMs when asked', async () => {
    await started({ resyncMs: 60_000 });
    await clock.advance(60_000);
    await vi.waitFor(() => expect(stub.lists).toEqual({ nodes: 2, pods: 2, namespaces: 2 }), watchEventWait);
  });

  it('rejects start() naming the apiserver URL, the kind and the status when a list is forbidden', async () => {
    stub.listStatus.pods = 403;
    metadata = createKubeMetadata({ apiServerUrl: stub.url, inClusterConfig: false, clock });
    await expect(metadata.start(new AbortController().signal)).rejects.toThrow(
      new RegExp(`^kube-metadata: apiserver ${stub.url}: initial list of pods failed: .*403`),
    );
    expect(metadata.isSynced()).toBe(false);
  });

  it('rejects start() when the apiserver is down, naming the URL and the cause', async () => {
    const downUrl = stub.url;
    await stub.close();
    stub = new ApiserverStub();
    await stub.listen();
    metadata = createKubeMetadata({ apiServerUrl: downUrl, inClusterConfig: false, clock });
    await expect(metadata.start(new AbortController().signal)).rejects.toThrow(
      new RegExp(`^kube-metadata: apiserver ${downUrl}: initial list of nodes failed: .*ECONNREFUSED`),
    );
    expect(metadata.health().ready).toBe(false);
  });

  it('rejects start() with the signal reason when aborted, and stop() is idempotent and safe without start()', async () => {
    const idle = createKubeMetadata({ apiServerUrl: stub.url, inClusterConfig: false });
    await idle.stop();
    await idle.stop();
    expect(idle.listPods()).toEqual([]);
    expect(idle.health()).toEqual({ ready: false, detail: 'not started' });
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(idle.start(controller.signal)).rejects.toThrow('shutting down');
  });
});
