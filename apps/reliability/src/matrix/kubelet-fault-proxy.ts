/**
 * A kubelet stand-in that forwards to a kubelet-sim kubelet and rewrites the answer: the faults kubelet-sim's own
 * quirks do not produce (401/403, truncated or invalid JSON, the wrong shape, NaN/negative/huge counters, a start
 * time moving backwards, skewed clocks, a pod reported by two kubelets). Real HTTP, so the source's transport and
 * decoders see exactly what a broken kubelet would send.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamAnswer {
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface ProxyAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

/** Rewrites one answer; `undefined` passes it through. */
export type BodyFault = (answer: UpstreamAnswer) => ProxyAnswer | undefined;

export interface KubeletFaultProxy {
  readonly port: number;
  /** Every Authorization header received, for the security rows. */
  readonly authorizations: string[];
  setFault(fault: BodyFault | undefined): void;
  stop(): Promise<void>;
}

function fetchUpstream(host: string, port: number, req: IncomingMessage, requestBody: Buffer): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const upstream = request({ host, port, path: req.url, method: req.method, headers: { ...req.headers, host: `${host}:${port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          path: req.url ?? '/',
          status: res.statusCode ?? 502,
          contentType: String(res.headers['content-type'] ?? 'application/json'),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(requestBody);
  });
}

export async function startKubeletFaultProxy(upstreamHost: string, upstreamPort: number): Promise<KubeletFaultProxy> {
  let fault: BodyFault | undefined;
  const authorizations: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.authorization !== undefined) authorizations.push(req.headers.authorization);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await fetchUpstream(upstreamHost, upstreamPort, req, Buffer.concat(chunks));
    const rewritten = fault?.(answer) ?? answer;
    res.writeHead(rewritten.status, { 'content-type': rewritten.contentType ?? answer.contentType, 'content-length': Buffer.byteLength(rewritten.body) });
    res.end(rewritten.body);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    authorizations,
    setFault: (next) => {
      fault = next;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
