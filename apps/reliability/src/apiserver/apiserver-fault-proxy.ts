/**
 * An HTTP proxy in front of kubelet-sim's apiserver, for the apiserver rows of the fault matrix: it drops the open
 * watch streams (a load balancer or apiserver restart cutting them), goes down and comes back on the same port, and
 * deletes a node (kubelet-sim has no node deletion): the node vanishes from lists and gets, its later watch events
 * are filtered out and every open nodes watch receives a DELETED event for it. Everything else is forwarded as is,
 * streamed, so informers see the simulator's real resource versions and 410 Expired events.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  readonly path: string;
  readonly watch: boolean;
}

export interface ApiserverFaultProxy {
  readonly url: string;
  /** Every request forwarded, in order (path with query). */
  readonly requests: ProxiedRequest[];
  /** Open watch streams right now. */
  openWatches(): number;
  /** Destroys every open watch connection (both sides); returns how many were cut. */
  dropWatches(): number;
  /** Closes the port and every connection: connection refused from now on. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Deletes a node as the apiserver would: gone from lists and gets, a DELETED event on every open nodes watch. */
  deleteNode(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface OpenWatch {
  readonly resource: string;
  readonly res: ServerResponse;
  readonly upstream: ReturnType<typeof request>;
}

const nodesPath = /^\/api\/v1\/nodes(?:\/([^/?]+))?(?:\?|$)/;

function isWatch(path: string): boolean {
  const query = new URL(path, 'http://proxy').searchParams;
  return query.get('watch') === 'true' || query.get('watch') === '1';
}

/** Starts the proxy on a free port (or `port`), forwarding to the apiserver at `upstreamUrl`. */
export async function startApiserverFaultProxy(upstreamUrl: string): Promise<ApiserverFaultProxy> {
  const upstream = new URL(upstreamUrl);
  const requests: ProxiedRequest[] = [];
  const watches = new Set<OpenWatch>();
  const sockets = new Set<Socket>();
  const deletedNodes = new Set<string>();
  let server: Server | undefined;
  let port = 0;

  const hiddenNode = (object: unknown): boolean => {
    const name = (object as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
    return typeof name === 'string' && deletedNodes.has(name);
  };

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/';
    const watch = isWatch(path);
    requests.push({ path, watch });
    const nodeMatch = nodesPath.exec(path);
    const nodeName = nodeMatch?.[1] === undefined ? undefined : decodeURIComponent(nodeMatch[1]);
    if (nodeName !== undefined && deletedNodes.has(nodeName)) {
      const text = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `nodes "${nodeName}" not found` });
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const filterNodes = nodeMatch !== null && nodeName === undefined && deletedNodes.size > 0;
    const outgoing = request(
      { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (upstreamRes) => {
        if (watch) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          res.flushHeaders();
          // Watch events are JSON lines; a deleted node's later events are left out.
          let pending = '';
          upstreamRes.on('data', (chunk: Buffer) => {
            pending += chunk.toString('utf8');
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines) {
              if (line === '') continue;
              if (nodeMatch !== null && hiddenNode((JSON.parse(line) as { object?: unknown }).object)) continue;
              res.write(`${line}\n`);
            }
          });
          upstreamRes.on('end', () => res.end(pending));
          upstreamRes.on('error', () => res.destroy());
          return;
        }
        if (!filterNodes) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items?: unknown[] };
          const text = JSON.stringify({ ...list, items: (list.items ?? []).filter((item) => !hiddenNode(item)) });
          res.writeHead(upstreamRes.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        });
      },
    );
    outgoing.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`apiserver fault proxy: ${error.message}`);
    });
    if (watch) {
      const open: OpenWatch = { resource: nodeMatch ? 'nodes' : path, res, upstream: outgoing };
      watches.add(open);
      res.on('close', () => {
        watches.delete(open);
        outgoing.destroy();
      });
    }
    req.pipe(outgoing);
  };

  const listen = async (): Promise<void> => {
    const next = createServer(forward);
    next.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const dropWatches = (): number => {
    const cut = watches.size;
    for (const open of watches) {
      open.upstream.destroy();
      open.res.socket?.destroy();
    }
    watches.clear();
    return cut;
  };

  const down = async (): Promise<void> => {
    const current = server;
    server = undefined;
    dropWatches();
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    requests,
    openWatches: () => watches.size,
    dropWatches,
    down,
    async up() {
      if (!server) await listen();
    },
    async deleteNode(name) {
      const response = await fetch(`${upstream.origin}/api/v1/nodes/${encodeURIComponent(name)}`);
      if (!response.ok) throw new Error(`apiserver fault proxy: GET node ${name}: HTTP ${response.status}`);
      const node: unknown = await response.json();
      deletedNodes.add(name);
      const line = `${JSON.stringify({ type: 'DELETED', object: node })}\n`;
      for (const open of watches) if (open.resource === 'nodes') open.res.write(line);
    },
    stop: down,
  };
}
