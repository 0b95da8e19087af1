/**
 * The API's HTTPS and client-certificate auth through the real settings path (flags → resolveSettings → composeApp →
 * listen): `--tls_generate`, `--tls_cert/--tls_key`, `--tls_client_ca` and `--allowed_users`, with certificates made
 * here by a test CA; and the request limits (oversize body, very long URL, bad query) over a real socket.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { testCertificate, testCertificateAuthority, type Pem } from '@kubestats/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type KubestatsApp } from '../compose.js';
import { resolveSettings } from '../settings.js';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly peer: PeerCertificate | undefined;
}

const nodesPath = '/apis/metrics.k8s.io/v1beta1/nodes';
let workDir: string;
let serverCa: Pem;
let clientCa: Pem;
let otherCa: Pem;
const files: Record<string, string> = {};
let app: KubestatsApp | undefined;

/** A client or server certificate signed by `ca`; a server's names are localhost and 127.0.0.1. */
function leaf(ca: Pem, commonName: string, usage: 'server' | 'client'): Promise<Pem> {
  return testCertificate({ commonName, usage, issuer: ca });
}

async function startApp(flags: Record<string, unknown>): Promise<string> {
  const settings = resolveSettings({
    // Static targets: no apiserver needed; no cycle runs in these tests.
    source: 'kubernetes.summary_api:?kubelets=127.0.0.1:1&inClusterConfig=false',
    heapster_port: 0,
    listen_ip: '127.0.0.1',
    ...flags,
  });
  app = await composeApp({ settings, logger: pino({ level: 'silent' }) });
  const url = await app.listen();
  if (url === undefined) throw new Error('tls test: the API did not listen');
  return url;
}

function get(url: string, options: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { ...options, method: 'GET', agent: false }, (response) => {
      const peer = (response.socket as TLSSocket).getPeerCertificate(false);
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), peer }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** A plain-HTTP request with a raw path and optional body; resolves with the status (0 when the socket was cut). */
function plain(url: string, path: string, options: { method?: string; body?: Buffer } = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const request = httpRequest(
      { host: target.hostname, port: target.port, path, method: options.method ?? 'GET', agent: false, headers: options.body ? { 'content-type': 'application/json', 'content-length': options.body.length } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', () => resolve({ status: 0, body: '' }));
    request.end(options.body);
  });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'kubestats-api-tls-'));
  serverCa = await testCertificateAuthority('kubestats test server CA');
  clientCa = await testCertificateAuthority('kubestats test client CA');
  otherCa = await testCertificateAuthority('some other CA');
  const server = await leaf(serverCa, 'kubestats', 'server');
  const write = async (name: string, text: string) => {
    files[name] = join(workDir, name);
    await writeFile(files[name], text);
  };
  await write('server.pem', server.cert);
  await write('server-key.pem', server.key);
  await write('client-ca.pem', clientCa.cert);
});

afterEach(async () => {
  await app?.stop();
  app = undefined;
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('--tls_generate', () => {
  it('serves HTTPS with a self-signed certificate for 127.0.0.1; the metrics API answers; plain HTTP does not', async () => {
    const url = await startApp({ tls_generate: true });
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const insecure = await get(`${url}${nodesPath}`, { rejectUnauthorized: false });
    expect(insecure.status).toBe(200);
    expect(JSON.parse(insecure.body)).toMatchObject({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1' });
    expect(insecure.peer?.subject.CN).toBe('kubestats');
    expect(insecure.peer?.subjectaltname).toContain('IP Address:127.0.0.1');
    // Self-signed: trusted once the client pins that very certificate, rejected by default.
    const pinned = `-----BEGIN CERTIFICATE-----\n${insecure.peer?.raw.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    expect((await get(`${url}/apis`, { ca: pinned })).status).toBe(200);
    await expect(get(`${url}/apis`)).rejects.toThrow(/self[- ]signed/i);
    expect((await plain(url.replace('https:', 'http:'), '/apis')).status).not.toBe(200);
  });
});

describe('--tls_cert / --tls_key', () => {
  it('serves the given certificate; a client trusting its CA gets the metrics API with verification on', async () => {
    const url = await startApp({ tls_cert: files['server.pem'], tls_key: files['server-key.pem'] });
    const answer = await get(`${url}${nodesPath}`, { ca: serverCa.cert });
    expect(answer.status).toBe(200);
    expect(answer.peer?.subject.CN).toBe('kubestats');
    expect(answer.peer?.issuer.CN).toBe('kubestats test server CA');
  });
});

describe('--tls_client_ca', () => {
  it('rejects a client without a certificate or with one another CA signed; accepts one the CA signed', async () => {
    const url = await startApp({ tls_cert: files['server.pem'], tls_key: files['server-key.pem'], tls_client_ca: files['client-ca.pem'] });
    await expect(get(`${url}${nodesPath}`, { ca: serverCa.cert })).rejects.toThrow(/certificate|alert|socket hang up|ECONNRESET/i);
    const stranger = await leaf(otherCa, 'alice', 'client');
    await expect(get(`${url}${nodesPath}`, { ca: serverCa.cert, cert: stranger.cert, key: stranger.key })).rejects.toThrow(/certificate|alert|socket hang up|ECONNRESET/i);
    const client = await leaf(clientCa, 'anyone', 'client');
    expect((await get(`${url}${nodesPath}`, { ca: serverCa.cert, cert: client.cert, key: client.key })).status).toBe(200);
  });
});

describe('--allowed_users', () => {
  it('answers 403 with a Status naming the CN for a client certificate not listed; serves a listed one', async () => {
    const url = await startApp({
      tls_cert: files['server.pem'],
      tls_key: files['server-key.pem'],
      tls_client_ca: files['client-ca.pem'],
      allowed_users: ['alice', 'system:serviceaccount:kube-system:hpa'],
    });
    const bob = await leaf(clientCa, 'bob', 'client');
    const denied = await get(`${url}${nodesPath}`, { ca: serverCa.cert, cert: bob.cert, key: bob.key });
    expect(denied.status).toBe(403);
    const status = JSON.parse(denied.body) as { kind: string; status: string; code: number; message: string };
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', code: 403 });
    expect(status.message).toContain('client certificate CN "bob" is not in --allowed_users');
    const alice = await leaf(clientCa, 'alice', 'client');
    expect((await get(`${url}${nodesPath}`, { ca: serverCa.cert, cert: alice.cert, key: alice.key })).status).toBe(200);
    const hpa = await leaf(clientCa, 'system:serviceaccount:kube-system:hpa', 'client');
    expect((await get(`${url}/apis`, { ca: serverCa.cert, cert: hpa.cert, key: hpa.key })).status).toBe(200);
  });
});

describe('request limits (plain HTTP, real socket)', () => {
  it('an oversize body, a very long URL, a hostile path and bad queries get a 4xx, and the server keeps serving', async () => {
    const url = await startApp({});
    const statuses: Record<string, number> = {};
    statuses.oversizeBody = (await plain(url, '/apis', { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024, 0x61) })).status;
    statuses.longUrl = (await plain(url, `${nodesPath}?labelSelector=${'a'.repeat(100_000)}`)).status;
    statuses.longParam = (await plain(url, `${nodesPath}/${'n'.repeat(5000)}`)).status;
    statuses.badEncoding = (await plain(url, `${nodesPath}?labelSelector=%zz`)).status;
    statuses.badSelector = (await plain(url, `${nodesPath}?labelSelector=${encodeURIComponent('a in (b')}`)).status;
    statuses.repeatedSelector = (await plain(url, `${nodesPath}?labelSelector=a&labelSelector=b`)).status;
    statuses.badTime = (await plain(url, '/api/v1/model/metrics/cpu/usage_rate?start=yesterday')).status;
    for (const [what, status] of Object.entries(statuses)) {
      expect(status, `${what}: ${status}`).toBeGreaterThanOrEqual(400);
      expect(status, `${what}: ${status}`).toBeLessThan(500);
    }
    expect((await plain(url, '/apis')).status).toBe(200);
    console.log(`security scorecard: request limits: ${JSON.stringify(statuses)}`);
  });
});
