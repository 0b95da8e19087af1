/**
 * A minimal Kubernetes apiserver over the simulated state: discovery (/api, /api/v1, /apis, /version), list and
 * get of nodes, pods and namespaces, and watch (`?watch=true&resourceVersion=N`) streaming JSON lines of
 * ADDED/MODIFIED/DELETED/BOOKMARK events after N, or an ERROR event carrying a 410 Expired Status when N is
 * older than the retained history (as the real apiserver does, so informers relist). Supports labelSelector,
 * fieldSelector (spec.nodeName=… on pods), limit/continue and timeoutSeconds. Enough for @kubernetes/client-node
 * informers and kubectl-like reads; no auth, no writes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChangeEvent, ClusterState } from './cluster-state.js';
import { drained } from './drained.js';
import { namespaceObject, nodeObject, podObject, type KubeObject } from './kube-objects.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, type ObjectPredicate } from './selectors.js';

type Resource = 'nodes' | 'pods' | 'namespaces';

interface WatchEvent {
  readonly rv: number;
  readonly resource: Resource;
  readonly namespace: string | undefined;
  readonly object: KubeObject;
  readonly line: string;
}

interface Watcher {
  readonly resource: Resource;
  readonly namespace: string | undefined;
  readonly predicate: ObjectPredicate;
  readonly res: ServerResponse;
}

export interface ApiServerOptions {
  readonly host: string;
  readonly port: number;
  /** Watch events kept for resuming watches; older resourceVersions get 410 Expired (default 10 000). */
  readonly watchHistory?: number;
  /** Period of BOOKMARK events on watches that allow them (default 60 s). */
  readonly bookmarkIntervalMs?: number;
}

export interface SimApiServer {
  readonly url: string;
  /**
   * Simulates an etcd compaction plus watch-cache restart: drops the retained history, moves the oldest valid
   * resourceVersion past every one handed out so far, and ends the open watches. Clients that resume get a
   * 410 Expired ERROR event and must relist.
   */
  compact(): void;
  stop(): Promise<void>;
}

const KINDS: Record<Resource, { kind: string; list: string }> = {
  nodes: { kind: 'Node', list: 'NodeList' },
  pods: { kind: 'Pod', list: 'PodList' },
  namespaces: { kind: 'Namespace', list: 'NamespaceList' },
};

export function statusObject(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) out.details = details;
  return out;
}

function listItem(object: KubeObject): Record<string, unknown> {
  // Items of a typed list carry no kind/apiVersion, as the real apiserver serves them.
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

/**
 * Writes a List without building one giant string: a list of 150 000 pods is ~400 MB of JSON, close to V8's
 * string limit, so items go out in batches with backpressure.
 */
async function streamList(res: ServerResponse, head: Record<string, unknown>, items: readonly KubeObject[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  // `{"kind":…,"items":[]}` minus the closing `]}`.
  res.write(JSON.stringify({ ...head, items: [] }).slice(0, -2));
  const batch = 256;
  for (let i = 0; i < items.length && !res.destroyed; i += batch) {
    const text = items
      .slice(i, i + batch)
      .map((o) => JSON.stringify(listItem(o)))
      .join(',');
    if (!res.write(i === 0 ? text : `,${text}`)) await drained(res);
  }
  res.end(']}');
}

export async function startApiServer(state: ClusterState, options: ApiServerOptions): Promise<SimApiServer> {
  const historyLimit = options.watchHistory ?? 10_000;
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
  const host = options.host;
  const events: WatchEvent[] = [];
  let compactedRv = state.currentResourceVersion();
  const watchers = new Set<Watcher>();
  const timers = new Set<NodeJS.Timeout>();

  const objectsOf = (resource: Resource): KubeObject[] => {
    switch (resource) {
      case 'nodes':
        return state.nodes.map((n) => nodeObject(state, n, host));
      case 'namespaces':
        return state.namespaces.map((n) => namespaceObject(n));
      case 'pods':
        return state
          .livePods()
          .sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1))
          .map((p) => podObject(state, p, host));
    }
  };

  state.onChange((change: ChangeEvent) => {
    let object: KubeObject;
    let namespace: string | undefined;
    let rv: number;
    if (change.resource === 'pods') {
      object = podObject(state, change.pod, host);
      namespace = change.pod.namespace;
      rv = change.pod.resourceVersion;
    } else if (change.resource === 'nodes') {
      object = nodeObject(state, change.node, host);
      rv = change.node.resourceVersion;
    } else {
      object = namespaceObject(change.namespace);
      rv = change.namespace.resourceVersion;
    }
    const event: WatchEvent = { rv, resource: change.resource, namespace, object, line: `${JSON.stringify({ type: change.type, object })}\n` };
    events.push(event);
    if (events.length > historyLimit) {
      const dropped = events.splice(0, events.length - historyLimit);
      compactedRv = dropped[dropped.length - 1]?.rv ?? compactedRv;
    }
    for (const w of watchers) {
      if (w.resource === event.resource && (w.namespace === undefined || w.namespace === event.namespace) && w.predicate(object)) w.res.write(event.line);
    }
  });

  const send = (res: ServerResponse, code: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const fail = (res: ServerResponse, code: number, reason: string, message: string, details?: Record<string, unknown>): void => {
    send(res, code, statusObject(code, reason, message, details));
  };

  const selectorFor = (resource: Resource, query: URLSearchParams): ObjectPredicate => {
    const label = query.get('labelSelector');
    const field = query.get('fieldSelector');
    const byLabel = label ? parseLabelSelector(label) : undefined;
    const byField = field ? parseFieldSelector(resource, field) : undefined;
    return (o) => (byLabel ? byLabel(o) : true) && (byField ? byField(o) : true);
  };

  const list = (res: ServerResponse, resource: Resource, namespace: string | undefined, query: URLSearchParams): void => {
    const predicate = selectorFor(resource, query);
    let items = objectsOf(resource).filter((o) => (namespace === undefined || o.metadata.namespace === namespace) && predicate(o));
    const rv = state.currentResourceVersion();
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    const limit = Number(query.get('limit') ?? '0');
    if (!Number.isInteger(limit) || limit < 0) return fail(res, 400, 'BadRequest', `limit must be a non-negative integer, got ${JSON.stringify(query.get('limit'))}`);
    const cont = query.get('continue');
    let offset = 0;
    if (cont) {
      let token: { rv?: unknown; offset?: unknown };
      try {
        token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as { rv?: unknown; offset?: unknown };
      } catch (err) {
        return fail(res, 400, 'BadRequest', `continue token is invalid: ${(err as Error).message}`);
      }
      if (typeof token.rv !== 'number' || typeof token.offset !== 'number') return fail(res, 400, 'BadRequest', 'continue token is invalid: missing rv or offset');
      if (token.rv < compactedRv) return fail(res, 410, 'Expired', `The provided continue parameter is too old to display a consistent list result. (continue rv ${token.rv}, oldest ${compactedRv})`);
      offset = token.offset;
    }
    items = items.slice(offset);
    if (limit > 0 && items.length > limit) {
      metadata.continue = Buffer.from(JSON.stringify({ rv, offset: offset + limit })).toString('base64url');
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    void streamList(res, { kind: KINDS[resource].list, apiVersion: 'v1', metadata }, items);
  };

  const get = (res: ServerResponse, resource: Resource, namespace: string | undefined, name: string): void => {
    const found = objectsOf(resource).find((o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
    if (!found) {
      const what = resource === 'namespaces' ? 'namespaces' : resource;
      return fail(res, 404, 'NotFound', `${what} "${name}" not found`, { name, kind: what });
    }
    send(res, 200, found);
  };

  const watch = (req: IncomingMessage, res: ServerResponse, resource: Resource, namespace: string | undefined, query: URLSearchParams): void => {
    const predicate = selectorFor(resource, query);
    const rvText = query.get('resourceVersion') ?? '';
    if (rvText !== '' && !/^\d+$/.test(rvText)) return fail(res, 400, 'BadRequest', `resourceVersion: Invalid value: ${JSON.stringify(rvText)}: must be a number`);
    const timeoutText = query.get('timeoutSeconds');
    const timeoutSeconds = timeoutText === null ? undefined : Number(timeoutText);
    if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0)) return fail(res, 400, 'BadRequest', `timeoutSeconds must be a non-negative number, got ${JSON.stringify(timeoutText)}`);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const matches = (e: { resource: Resource; namespace: string | undefined; object: KubeObject }): boolean =>
      e.resource === resource && (namespace === undefined || e.namespace === namespace) && predicate(e.object);
    if (rvText === '' || rvText === '0') {
      for (const o of objectsOf(resource)) {
        const ns = typeof o.metadata.namespace === 'string' ? o.metadata.namespace : undefined;
        if (matches({ resource, namespace: ns, object: o })) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
      }
    } else {
      const from = Number(rvText);
      if (from < compactedRv) {
        const status = statusObject(410, 'Expired', `too old resource version: ${from} (${compactedRv})`);
        res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
        return;
      }
      for (const e of events) if (e.rv > from && matches(e)) res.write(e.line);
    }
    const watcher: Watcher = { resource, namespace, predicate, res };
    watchers.add(watcher);
    const ownTimers: NodeJS.Timeout[] = [];
    const cleanup = (): void => {
      watchers.delete(watcher);
      for (const t of ownTimers) {
        clearTimeout(t);
        clearInterval(t);
        timers.delete(t);
      }
    };
    if (query.get('allowWatchBookmarks') === 'true') {
      const t = setInterval(() => {
        res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: KINDS[resource].kind, apiVersion: 'v1', metadata: { resourceVersion: String(state.currentResourceVersion()) } } })}\n`);
      }, bookmarkIntervalMs);
      t.unref();
      ownTimers.push(t);
      timers.add(t);
    }
    if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
      const t = setTimeout(() => {
        cleanup();
        res.end();
      }, timeoutSeconds * 1000);
      t.unref();
      ownTimers.push(t);
      timers.add(t);
    }
    req.on('close', cleanup);
    res.on('close', cleanup);
  };

  const discovery = (path: string, res: ServerResponse, port: number): boolean => {
    switch (path) {
      case '/api':
        send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${host}:${port}` }] });
        return true;
      case '/api/v1':
        send(res, 200, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'], shortNames: ['ns'] },
            { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list', 'watch'], shortNames: ['no'] },
            { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all'] },
          ],
        });
        return true;
      case '/apis':
        send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
        return true;
      case '/version':
        send(res, 200, { major: '1', minor: '29', gitVersion: 'v1.29.2-kubelet-sim', gitCommit: '0000000', gitTreeState: 'clean', buildDate: '2024-01-01T00:00:00Z', goVersion: 'n/a', compiler: 'n/a', platform: 'linux/amd64' });
        return true;
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return true;
      default:
        return false;
    }
  };

  let boundPort = 0;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://apiserver.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method !== 'GET') return fail(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource: ${req.method ?? ''} ${path} (kubelet-sim's apiserver is read-only)`);
    if (discovery(path, res, boundPort)) return;
    const segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    if (segments[0] !== 'api' || segments[1] !== 'v1') return fail(res, 404, 'NotFound', `the server could not find the requested resource (get ${path})`);
    let namespace: string | undefined;
    let rest = segments.slice(2);
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource, name, ...extra] = rest;
    if ((resource !== 'nodes' && resource !== 'pods' && resource !== 'namespaces') || extra.length > 0 || (namespace !== undefined && resource !== 'pods')) {
      return fail(res, 404, 'NotFound', `the server could not find the requested resource (get ${path})`);
    }
    if (namespace !== undefined && !state.namespaces.some((n) => n.name === namespace)) {
      if (name !== undefined) return fail(res, 404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    }
    try {
      if (name !== undefined) return get(res, resource, namespace, name);
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') return watch(req, res, resource, namespace, url.searchParams);
      return list(res, resource, namespace, url.searchParams);
    } catch (err) {
      if (err instanceof SelectorError) return fail(res, 400, 'BadRequest', err.message);
      throw err;
    }
  };

  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      if (!res.headersSent) fail(res, 500, 'InternalError', `kubelet-sim apiserver: ${req.method ?? ''} ${req.url ?? ''}: ${(err as Error).message}`);
      else res.destroy(err as Error);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  boundPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    compact() {
      events.length = 0;
      compactedRv = state.bumpResourceVersion();
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      for (const w of watchers) w.res.end();
      watchers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
