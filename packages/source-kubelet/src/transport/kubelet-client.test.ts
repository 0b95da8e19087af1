import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { FakeClock, testCertificate, testCertificateAuthority, type Pem } from '@kubestats/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeletTarget } from '../discovery/kubelet-target.js';
import { KubeletClient, type KubeletClientOptions, type KubeletRequest } from './kubelet-client.js';
import { ScrapeError } from './scrape-error.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const summaryRequest: KubeletRequest = { method: 'GET', path: '/stats/summary', rbacSubresource: 'nodes/stats' };
const containerRequest: KubeletRequest = {
  method: 'POST',
  path: '/stats/container',
  body: '{"containerName":"/","num_stats":1,"subcontainers":true}',
  rbacSubresource: 'nodes/stats',
};

interface Certificates {
  readonly caCert: string;
  /** Signed by the CA, SANs DNS:localhost and IP:127.0.0.1. */
  readonly withIpSan: Pem;
  /** Signed by the CA, SAN DNS:localhost only (like a kubelet certificate without IP SANs). */
  readonly withoutIpSan: Pem;
  /** Self-signed, SANs DNS:localhost and IP:127.0.0.1. */
  readonly selfSigned: Pem;
}

async function makeCertificates(): Promise<Certificates> {
  const ca = await testCertificateAuthority('kubestats-test-ca');
  return {
    caCert: ca.cert,
    withIpSan: await testCertificate({ commonName: 'node-1', usage: 'server', issuer: ca }),
    withoutIpSan: await testCertificate({ commonName: 'node-1', usage: 'server', ipAddresses: [], issuer: ca }),
    selfSigned: await testCertificate({ commonName: 'node-1', usage: 'server' }),
  };
}

/** A local kubelet stand-in whose behaviour each test sets through `handler`. */
class TestKubelet {
  handler: Handler = (_request, response) => response.end('{}');
  readonly requests: IncomingMessage[] = [];
  connections = 0;
  readonly server: Server;

  constructor(tls?: { key: string; cert: string }) {
    const listener = (request: IncomingMessage, response: ServerResponse): void => {
      this.requests.push(request);
      this.handler(request, response);
    };
    this.server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
    this.server.on(tls ? 'secureConnection' : 'connection', () => this.connections++);
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function target(port: number, overrides: Partial<KubeletTarget> = {}): KubeletTarget {
  return { nodeName: 'node-1', hostname: 'node-1', hostId: '', host: '127.0.0.1', port, https: false, ...overrides };
}

/** Resolves the next time the test kubelet receives a request. */
function nextRequest(kubelet: TestKubelet, respond: Handler = () => undefined): Promise<void> {
  return new Promise((resolve) => {
    kubelet.handler = (request, response) => {
      respond(request, response);
      resolve();
    };
  });
}

async function scrapeError(promise: Promise<unknown>): Promise<ScrapeError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof ScrapeError)) throw new Error(`expected a ScrapeError, got ${String(error)}`);
  return error;
}

const clients: KubeletClient[] = [];
function client(overrides: Partial<KubeletClientOptions> = {}): KubeletClient {
  const created = new KubeletClient({
    clock: new FakeClock(),
    timeoutMs: 1000,
    maxResponseBytes: 1024,
    ca: undefined,
    verifyTls: true,
    bearerToken: () => Promise.resolve(undefined),
    ...overrides,
  });
  clients.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
});

describe('KubeletClient over HTTP', () => {
  const kubelet = new TestKubelet();
  let port = 0;
  beforeAll(async () => {
    port = await kubelet.listen();
  });
  afterAll(() => kubelet.close());

  it('returns the body and reuses one keep-alive connection across requests', async () => {
    kubelet.handler = (_request, response) => response.end('{"node":{}}');
    const connectionsBefore = kubelet.connections;
    const http = client();
    expect(await http.fetch(target(port), summaryRequest, new AbortController().signal)).toBe('{"node":{}}');
    expect(await http.fetch(target(port), summaryRequest, new AbortController().signal)).toBe('{"node":{}}');
    expect(kubelet.connections - connectionsBefore).toBe(1);
  });

  it('POSTs the legacy /stats/container body as JSON', async () => {
    let received = '';
    kubelet.handler = (request, response) => {
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (received += chunk));
      request.on('end', () => response.end('{}'));
    };
    await client().fetch(target(port), containerRequest, new AbortController().signal);
    const last = kubelet.requests.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received)).toEqual({ containerName: '/', num_stats: 1, subcontainers: true });
  });

  it('refused: scrape-refused naming the kubelet', async () => {
    const closed = new TestKubelet();
    const closedPort = await closed.listen();
    await closed.close();
    const error = await scrapeError(client().fetch(target(closedPort), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-refused');
    expect(error.message).toMatch(new RegExp(`^kubelet 127.0.0.1:${closedPort}: GET /stats/summary: connection refused`));
  });

  it('accept then hang: scrape-timeout "timeout after N ms" when the clock passes the per-node timeout', async () => {
    const clock = new FakeClock();
    const arrived = nextRequest(kubelet);
    const pending = client({ clock }).fetch(target(port), summaryRequest, new AbortController().signal);
    await arrived;
    await clock.advance(999);
    await clock.advance(1);
    const error = await scrapeError(pending);
    expect(error.reason).toBe('scrape-timeout');
    expect(error.message).toBe(`kubelet 127.0.0.1:${port}: GET /stats/summary: timeout after 1000 ms`);
  });

  it('slow body: the timeout also covers reading the body', async () => {
    const clock = new FakeClock();
    const arrived = nextRequest(kubelet, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"node":');
    });
    const pending = client({ clock }).fetch(target(port), summaryRequest, new AbortController().signal);
    await arrived;
    await clock.advance(1000);
    const error = await scrapeError(pending);
    expect(error.reason).toBe('scrape-timeout');
    expect(error.message).toContain('timeout after 1000 ms');
  });

  it('HTTP 500: scrape-http-error with the status and the start of the body', async () => {
    kubelet.handler = (_request, response) => response.writeHead(500).end('failed to get summary:\n  cgroup gone');
    const error = await scrapeError(client().fetch(target(port), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-http-error');
    expect(error.message).toBe(`kubelet 127.0.0.1:${port}: GET /stats/summary: HTTP 500: failed to get summary: cgroup gone`);
  });

  it('HTTP 401/403: scrape-unauthorized naming the RBAC subresource and the missing token', async () => {
    kubelet.handler = (_request, response) => response.writeHead(401).end('Unauthorized');
    const error = await scrapeError(client().fetch(target(port), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-unauthorized');
    expect(error.message).toContain('HTTP 401 \u2014 check RBAC nodes/stats');
    expect(error.message).toContain('no bearer token is sent over plain HTTP');

    kubelet.handler = (_request, response) => response.writeHead(403).end('Forbidden (user=system:serviceaccount:kube-system:kubestats, verb=get, resource=nodes, subresource=metrics)');
    const forbidden = await scrapeError(
      client().fetch(target(port), { method: 'GET', path: '/metrics/resource', rbacSubresource: 'nodes/metrics' }, new AbortController().signal),
    );
    expect(forbidden.reason).toBe('scrape-unauthorized');
    expect(forbidden.message).toMatch(/HTTP 403 \u2014 check RBAC nodes\/metrics .*subresource=metrics/);
  });

  it('body over the cap: response-too-large, from Content-Length or while streaming', async () => {
    kubelet.handler = (_request, response) => response.end('x'.repeat(2000));
    const declared = await scrapeError(client().fetch(target(port), summaryRequest, new AbortController().signal));
    expect(declared.reason).toBe('response-too-large');
    expect(declared.message).toContain('body over 1024 bytes (Content-Length 2000)');

    kubelet.handler = (_request, response) => {
      response.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let chunk = 0; chunk < 10; chunk++) response.write('y'.repeat(200));
      response.end();
    };
    const streamed = await scrapeError(client().fetch(target(port), summaryRequest, new AbortController().signal));
    expect(streamed.reason).toBe('response-too-large');
    expect(streamed.message).toMatch(/body over 1024 bytes \(stopped reading at \d+\)/);
  });

  it('a connection cut mid-body: scrape-network-error', async () => {
    kubelet.handler = (_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"node":');
      setImmediate(() => response.socket?.destroy());
    };
    const error = await scrapeError(client().fetch(target(port), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-network-error');
    expect(error.message).toMatch(new RegExp(`^kubelet 127.0.0.1:${port}: GET /stats/summary: `));
  });

  it('plain HTTP to an HTTPS-only port shows up as a TLS hint on the client side', async () => {
    const error = await scrapeError(client().fetch(target(port, { https: true }), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-tls-error');
    expect(error.message).toContain('is this port HTTPS?');
  });

  it('rejects with the cycle signal reason, not a failure, once the cycle aborts', async () => {
    const cycle = new AbortController();
    const arrived = nextRequest(kubelet);
    const pending = client().fetch(target(port), summaryRequest, cycle.signal);
    await arrived;
    cycle.abort(new Error('cycle deadline'));
    await expect(pending).rejects.toThrow('cycle deadline');
    await expect(client().fetch(target(port), summaryRequest, cycle.signal)).rejects.toThrow('cycle deadline');
  });
});

/**
 * A bare TCP kubelet stand-in, so a test controls exactly when a kept-alive socket is reset: each connection answers
 * its first request with a keep-alive `{}` and hands every later request on it to `onReused`.
 */
class KeepAliveKubelet {
  connections = 0;
  onReused: (socket: Socket) => void = () => undefined;
  readonly sockets = new Set<Socket>();
  readonly server = createTcpServer((socket) => {
    this.connections++;
    this.sockets.add(socket);
    let requests = 0;
    socket.on('error', () => undefined); // resets are what these tests cause
    socket.on('data', () => {
      requests++;
      if (requests === 1) socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}');
      else this.onReused(socket);
    });
  });

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening (new connections are refused); open sockets stay until reset. */
  stopListening(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  close(): Promise<void> {
    const closed = this.stopListening();
    for (const socket of this.sockets) socket.destroy();
    return closed;
  }
}

describe('KubeletClient when a kept-alive connection is reset', () => {
  it('a kubelet that died: the reset kept-alive socket is retried once on a fresh connection, which is refused', async () => {
    const kubelet = new KeepAliveKubelet();
    const port = await kubelet.listen();
    const http = client();
    expect(await http.fetch(target(port), summaryRequest, new AbortController().signal)).toBe('{}');
    // The kubelet process dies: its port closes, and the kernel resets the connection kubestats kept alive.
    let closing: Promise<void> = Promise.resolve();
    kubelet.onReused = (socket) => {
      closing = kubelet.stopListening();
      socket.resetAndDestroy();
    };
    const error = await scrapeError(http.fetch(target(port), summaryRequest, new AbortController().signal));
    await closing;
    expect(error.reason).toBe('scrape-refused');
    expect(error.message).toMatch(new RegExp(`^kubelet 127.0.0.1:${port}: GET /stats/summary: connection refused .*after the kept-alive connection was reset \\(ECONNRESET\\)`));
  });

  it('a kubelet that is back: the retry on a fresh connection gets the body', async () => {
    const kubelet = new KeepAliveKubelet();
    const port = await kubelet.listen();
    const http = client();
    await http.fetch(target(port), summaryRequest, new AbortController().signal);
    kubelet.onReused = (socket) => socket.resetAndDestroy();
    expect(await http.fetch(target(port), summaryRequest, new AbortController().signal)).toBe('{}');
    expect(kubelet.connections).toBe(2);
    await kubelet.close();
  });

  it('a kubelet that resets every connection: one retry, then scrape-network-error naming the reset', async () => {
    const kubelet = new KeepAliveKubelet();
    const port = await kubelet.listen();
    kubelet.server.removeAllListeners('connection');
    kubelet.server.on('connection', (socket: Socket) => {
      kubelet.connections++;
      kubelet.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => socket.resetAndDestroy());
    });
    const error = await scrapeError(client().fetch(target(port), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-network-error');
    expect(error.message).toMatch(/ECONNRESET.*\(on a fresh connection, after the kept-alive connection was reset \(ECONNRESET\)\)$/);
    expect(kubelet.connections).toBe(2);
    await kubelet.close();
  });
});

describe('KubeletClient over HTTPS', () => {
  let certificates: Certificates;
  const servers: TestKubelet[] = [];
  async function httpsKubelet(tls: { key: string; cert: string }): Promise<{ kubelet: TestKubelet; port: number }> {
    const kubelet = new TestKubelet(tls);
    servers.push(kubelet);
    kubelet.handler = (_request, response) => response.end('{"ok":true}');
    return { kubelet, port: await kubelet.listen() };
  }

  beforeAll(async () => {
    certificates = await makeCertificates();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('verifies by default: an untrusted certificate fails with a clear scrape-tls-error', async () => {
    const { port } = await httpsKubelet(certificates.selfSigned);
    const error = await scrapeError(client().fetch(target(port, { https: true }), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-tls-error');
    expect(error.message).toMatch(/kubelet certificate not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\): give kubeletCaFile=.* or insecure=true/);
  });

  it('insecure (verification off) accepts it', async () => {
    const { port } = await httpsKubelet(certificates.selfSigned);
    expect(await client({ verifyTls: false }).fetch(target(port, { https: true }), summaryRequest, new AbortController().signal)).toBe('{"ok":true}');
  });

  it('with the CA given, a certificate it signed is accepted, and the bearer token is sent', async () => {
    const { kubelet, port } = await httpsKubelet(certificates.withIpSan);
    const https = client({ ca: certificates.caCert, bearerToken: () => Promise.resolve('s3cr3t-token') });
    expect(await https.fetch(target(port, { https: true }), summaryRequest, new AbortController().signal)).toBe('{"ok":true}');
    expect(kubelet.requests.at(-1)?.headers.authorization).toBe('Bearer s3cr3t-token');
  });

  it('a certificate without an IP SAN, dialed by IP: the hint says what to do', async () => {
    const { port } = await httpsKubelet(certificates.withoutIpSan);
    const error = await scrapeError(client({ ca: certificates.caCert }).fetch(target(port, { https: true }), summaryRequest, new AbortController().signal));
    expect(error.reason).toBe('scrape-tls-error');
    expect(error.message).toBe(
      `kubelet 127.0.0.1:${port}: GET /stats/summary: TLS: the kubelet certificate has no IP SAN for 127.0.0.1: use addressTypes=Hostname (if its certificate names the host), or kubelet serving certificates with IP SANs (serverTLSBootstrap: true), or insecure=true`,
    );
  });

  it('the same certificate dialed by the name it carries (addressTypes=Hostname) is accepted', async () => {
    const { port } = await httpsKubelet(certificates.withoutIpSan);
    const byName = target(port, { https: true, host: 'localhost' });
    expect(await client({ ca: certificates.caCert }).fetch(byName, summaryRequest, new AbortController().signal)).toBe('{"ok":true}');
  });

  it('a 401 over HTTPS without a token says how to configure one', async () => {
    const { kubelet, port } = await httpsKubelet(certificates.withIpSan);
    kubelet.handler = (_request, response) => response.writeHead(401).end('Unauthorized');
    const error = await scrapeError(client({ ca: certificates.caCert }).fetch(target(port, { https: true }), summaryRequest, new AbortController().signal));
    expect(error.message).toContain('no bearer token was sent: set useServiceAccount=true or tokenFile');
    expect(kubelet.requests.at(-1)?.headers.authorization).toBeUndefined();
  });
});
