/**
 * One simulated kubelet: an HTTP server on its own port serving `/stats/summary`, `/metrics/resource`,
 * `/stats/container` (POST, cAdvisor v1 map), `/pods` and `/healthz` for one node, and applying that node's
 * faults (refused connections, reset sockets, hangs, delays, 500s, truncated or huge bodies). The summary is
 * cached per (second, state generation, quirk version, alternation parity): many scrapers in the same second
 * cost one build.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ClusterState, SimContainerState, SimNodeState, SimPodState } from './cluster-state.js';
import { buildContainerInfoMap, parseStatsRequest } from './cadvisor-container-info.js';
import { drained } from './drained.js';
import { podObject } from './kube-objects.js';
import type { ContainerQuirks, KubeletPayloadContext } from './kubelet-payload-context.js';
import type { EndpointFaults, NodeFaults } from './node-faults.js';
import { PortReservation } from './port-reservation.js';
import type { KubeletEndpoint } from './quirk-spec.js';
import { buildResourceMetrics } from './resource-metrics.js';
import { buildSummary } from './stats-summary.js';

export type DelayFn = (ms: number, signal: AbortSignal) => Promise<void>;

export interface KubeletServerDeps {
  readonly state: ClusterState;
  readonly node: SimNodeState;
  readonly host: string;
  readonly clock: () => number;
  readonly delay: DelayFn;
  faults(): NodeFaults;
  containerQuirks(pod: SimPodState, container: SimContainerState): ContainerQuirks;
  /** Changes whenever the quirks change (cache key). */
  quirkVersion(): number;
  /** Whether any container quirk alternates per request (cache key includes the parity then). */
  alternating(): boolean;
}

const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = 'application/json';
const PROM_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Payload {
  readonly body: string;
  readonly contentType: string;
}

function endpointOf(path: string): KubeletEndpoint | 'healthz' | undefined {
  switch (path) {
    case '/stats/summary':
    case '/stats/summary/':
      return '/stats/summary';
    case '/metrics/resource':
    case '/metrics/resource/v1alpha1':
      return '/metrics/resource';
    case '/stats/container':
    case '/stats/container/':
      return '/stats/container';
    case '/pods':
    case '/pods/':
      return '/pods';
    case '/healthz':
      return 'healthz';
    default:
      return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) throw new RangeError(`request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class KubeletServer {
  private readonly deps: KubeletServerDeps;
  private readonly server: Server;
  private readonly abort = new AbortController();
  private readonly requestCounts: Record<KubeletEndpoint, number> = { '/stats/summary': 0, '/metrics/resource': 0, '/stats/container': 0, '/pods': 0 };
  private summaryCache: { key: string; body: string } | undefined;
  private listening = false;
  private refusing = false;
  private transition: Promise<void> = Promise.resolve();
  private portNumber = 0;
  /** Holds the port while refusing, so no other listener on this host is given it (see PortReservation). */
  private reservation: PortReservation | undefined;

  constructor(deps: KubeletServerDeps) {
    this.deps = deps;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.failRequest(req, res, err));
    });
    // Go's http.Server (the kubelet's) keeps idle connections open; Node's 5 s default would reset reused sockets.
    this.server.keepAliveTimeout = 120_000;
    this.server.on('connection', (socket: Socket) => {
      if (this.refusing) socket.destroy();
    });
  }

  get port(): number {
    return this.portNumber;
  }

  async start(port: number): Promise<void> {
    await this.listen(port);
    this.portNumber = (this.server.address() as AddressInfo).port;
  }

  /**
   * Closes the port (keeping it reserved) or reopens it to match `refuse`; resolves when done, rejects when that
   * failed. Transitions run in order; a failed one does not stop the next.
   */
  setRefusing(refuse: boolean): Promise<void> {
    this.refusing = refuse;
    const next = this.transition.then(async () => {
      if (this.refusing && this.listening) {
        await this.close();
        if (!this.abort.signal.aborted) this.reservation = await PortReservation.hold(this.deps.host, this.portNumber);
      } else if (!this.refusing && !this.listening && !this.abort.signal.aborted) {
        // Listening first: the reservation's socket is not a listener, so the port can be bound beside it.
        await this.listen(this.portNumber);
        await this.releaseReservation();
      }
    });
    this.transition = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.transition;
    if (this.listening) await this.close();
    await this.releaseReservation();
  }

  private async releaseReservation(): Promise<void> {
    const reservation = this.reservation;
    this.reservation = undefined;
    await reservation?.release();
  }

  private listen(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.deps.host, () => {
        this.server.off('error', reject);
        this.listening = true;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    this.listening = false;
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    this.server.closeAllConnections();
    return closed;
  }

  private failRequest(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (this.abort.signal.aborted || res.destroyed) {
      res.destroy();
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    const status = err instanceof RangeError ? 413 : err instanceof SyntaxError || (err instanceof Error && err.message.startsWith('StatsRequest')) ? 400 : 500;
    if (res.headersSent) {
      res.destroy(err instanceof Error ? err : new Error(message));
      return;
    }
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`kubelet-sim ${this.deps.node.name}: ${req.method ?? ''} ${req.url ?? ''}: ${message}\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kubelet.invalid');
    const endpoint = endpointOf(url.pathname);
    if (endpoint === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    if (endpoint === 'healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const allowed = endpoint === '/stats/container' ? ['GET', 'POST'] : ['GET'];
    if (!allowed.includes(req.method ?? '')) {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: allowed.join(', ') });
      res.end(`405: ${req.method ?? ''} not allowed on ${endpoint}\n`);
      return;
    }
    const faults: EndpointFaults = this.deps.faults().endpoints[endpoint];
    if (faults.dead) {
      req.socket.destroy();
      return;
    }
    if (faults.hang) return; // Never answered; the socket is destroyed when the simulator stops.
    const body = endpoint === '/stats/container' ? await readBody(req) : '';
    if (faults.delayMs > 0) await this.deps.delay(faults.delayMs, this.abort.signal);
    if (faults.http500) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Internal Error: failed to get ${endpoint} for node ${JSON.stringify(this.deps.node.name)}: kubelet-sim http-500 quirk\n`);
      return;
    }
    const payload = this.build(endpoint, url.searchParams, body);
    if (faults.hugeBytes > 0) {
      await this.writeHuge(res, payload, faults.hugeBytes);
      return;
    }
    // garbage: the first half of the real body, so the JSON (or text) is cut mid-value.
    const text = faults.garbage ? payload.body.slice(0, Math.floor(payload.body.length / 2)) : payload.body;
    res.writeHead(200, { 'content-type': payload.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private context(endpoint: KubeletEndpoint): KubeletPayloadContext {
    const requestIndex = this.requestCounts[endpoint];
    this.requestCounts[endpoint] = requestIndex + 1;
    return {
      state: this.deps.state,
      node: this.deps.node,
      tMs: this.deps.clock(),
      requestIndex,
      containerQuirks: (pod, c) => this.deps.containerQuirks(pod, c),
    };
  }

  private build(endpoint: KubeletEndpoint, query: URLSearchParams, body: string): Payload {
    const { state, node } = this.deps;
    switch (endpoint) {
      case '/stats/summary': {
        const ctx = this.context(endpoint);
        const onlyCpuAndMemory = query.get('only_cpu_and_memory') === 'true';
        const key = [Math.floor(ctx.tMs / 1000), state.generation, this.deps.quirkVersion(), this.deps.alternating() ? ctx.requestIndex % 2 : '-', onlyCpuAndMemory].join('|');
        if (this.summaryCache?.key !== key) this.summaryCache = { key, body: JSON.stringify(buildSummary(ctx, { onlyCpuAndMemory })) };
        return { body: this.summaryCache.body, contentType: JSON_TYPE };
      }
      case '/metrics/resource':
        return { body: buildResourceMetrics(this.context(endpoint)), contentType: PROM_TYPE };
      case '/stats/container': {
        const request = parseStatsRequest(body);
        return { body: JSON.stringify(buildContainerInfoMap(this.context(endpoint), request)), contentType: JSON_TYPE };
      }
      case '/pods': {
        this.context(endpoint);
        const items = [...node.pods.values()].map((p) => {
          const { kind: _kind, apiVersion: _apiVersion, ...rest } = podObject(state, p, this.deps.host);
          return rest;
        });
        return { body: JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items }), contentType: JSON_TYPE };
      }
    }
  }

  /** huge-body: the real payload with `bytes` of padding streamed in front of it (still valid JSON / text). */
  private async writeHuge(res: ServerResponse, payload: Payload, bytes: number): Promise<void> {
    const isJson = payload.contentType === JSON_TYPE && payload.body.startsWith('{');
    const head = isJson ? '{"padding":"' : '# padding ';
    const tail = isJson ? `",${payload.body.slice(1)}` : `\n${payload.body}`;
    res.writeHead(200, { 'content-type': payload.contentType });
    res.write(head);
    const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024), 'x');
    for (let left = bytes; left > 0 && !res.destroyed; ) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) await drained(res);
    }
    if (!res.destroyed) res.end(tail);
  }
}
