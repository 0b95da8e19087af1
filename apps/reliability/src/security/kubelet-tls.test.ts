/**
 * Kubelet TLS rows: three kubelet-sim kubelets behind TLS-terminating proxies whose serving certificates a test CA
 * signed; two name 127.0.0.1 as an IP SAN, the last one only a DNS name (every kubelet with its default self-signed
 * certificate is like that). The real summary source scrapes them over HTTPS by IP.
 * Expected: the node without an IP SAN fails `scrape-tls-error` with the hint, the others are unaffected;
 * verification is on by default (no CA given → every node untrusted); `insecure=true` scrapes all and warns once.
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { nodeKey, parseOptions, systemClock, type Source } from '@kubestats/core';
import { summarySourceFactory } from '@kubestats/source-kubelet';
import { testCertificate, testCertificateAuthority, type Pem } from '@kubestats/testing';
import { startSimulatedCluster, type SimulatedCluster } from 'kubelet-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog, type CapturedLog } from '../matrix/log-capture.js';

let sim: SimulatedCluster;
let workDir: string;
let caFile: string;
const servers: Server[] = [];
/** `127.0.0.1:<port>` of each TLS kubelet; the last one's certificate has no IP SAN. */
const targets: string[] = [];

/** Terminates TLS with `pem` and pipes the plain bytes to the kubelet at `port`. */
async function tlsFront(pem: Pem, port: number): Promise<string> {
  const server = createServer({ cert: pem.cert, key: pem.key }, (socket) => {
    const upstream = connect(port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  // Handshakes the client aborts (untrusted certificate) end in a socket error the test expects.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function kubeletSource(options: Record<string, unknown>, log: CapturedLog): Source {
  const parsed = parseOptions(summarySourceFactory.configSchema, {
    kubelets: targets,
    kubeletHttps: true,
    inClusterConfig: false,
    timeoutMs: 3000,
    ...options,
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
  return summarySourceFactory.create({ config: parsed.config, target: undefined, logger: log.logger, clock: systemClock, metadata: undefined });
}

async function scrape(source: Source) {
  const endMs = Date.now();
  return source.scrape({ startMs: endMs - 10_000, endMs }, AbortSignal.timeout(8000));
}

beforeAll(async () => {
  sim = await startSimulatedCluster({ nodes: 3, podsPerNode: 1, containersPerPod: 1, kubeletHttps: false });
  workDir = await mkdtemp(join(tmpdir(), 'kubestats-kubelet-tls-'));
  const ca = await testCertificateAuthority('reliability kubelet CA');
  caFile = join(workDir, 'kubelet-ca.pem');
  await writeFile(caFile, ca.cert);
  for (const [index, kubelet] of sim.kubelets.entries()) {
    const withIpSan = index < sim.kubelets.length - 1;
    const serving = await testCertificate({ commonName: kubelet.nodeName, usage: 'server', dnsNames: [kubelet.nodeName], ipAddresses: withIpSan ? ['127.0.0.1'] : [], issuer: ca });
    targets.push(await tlsFront(serving, kubelet.port));
  }
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await sim.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('kubelet TLS', () => {
  it('certificate without an IP SAN → scrape-tls-error naming the missing IP SAN and the fixes; other nodes unaffected', async () => {
    const log = captureLog();
    const source = kubeletSource({ kubeletCaFile: caFile }, log);
    try {
      const result = await scrape(source);
      const noIpSan = targets.at(-1) ?? '';
      expect(result.failures.map((failure) => `${failure.node ?? ''} ${failure.reason}`)).toEqual([`${noIpSan} scrape-tls-error`]);
      const detail = result.failures[0]?.detail ?? '';
      expect(detail).toContain(`kubelet ${noIpSan}: GET /stats/summary: TLS: the kubelet certificate has no IP SAN for 127.0.0.1`);
      expect(detail).toContain('addressTypes=Hostname');
      expect(detail).toContain('serverTLSBootstrap');
      expect(detail).toContain('insecure=true');
      for (const target of targets.slice(0, -1)) expect(result.batch.metricSets.has(nodeKey(target))).toBe(true);
      console.log(`security scorecard: no IP SAN: ${detail}`);
    } finally {
      await source.stop?.();
    }
  });

  it('verification is on by default: without kubeletCaFile every self-signed kubelet is untrusted (scrape-tls-error), nothing scraped', async () => {
    const log = captureLog();
    const source = kubeletSource({}, log);
    try {
      const result = await scrape(source);
      expect(result.failures.map((failure) => failure.reason)).toEqual(['scrape-tls-error', 'scrape-tls-error', 'scrape-tls-error']);
      expect(result.failures[0]?.detail).toMatch(/kubelet certificate not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\): give kubeletCaFile=/);
      expect(result.batch.metricSets.size).toBe(0);
      expect(log.lines.filter((line) => line.includes('verification is disabled'))).toEqual([]);
    } finally {
      await source.stop?.();
    }
  });

  it('insecure=true → every node scraped (the no-IP-SAN one too) and exactly one warning over three cycles', async () => {
    const log = captureLog();
    const source = kubeletSource({ insecure: true }, log);
    try {
      for (let cycle = 0; cycle < 3; cycle++) {
        const result = await scrape(source);
        expect(result.failures).toEqual([]);
        for (const target of targets) expect(result.batch.metricSets.has(nodeKey(target))).toBe(true);
      }
      const warnings = log.entries().filter((entry) => entry.level === 40);
      expect(warnings.map((entry) => entry.msg)).toEqual(['kubelet TLS certificate verification is disabled (insecure=true)']);
    } finally {
      await source.stop?.();
    }
  });
});
