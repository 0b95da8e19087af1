/**
 * The case kubestats exists for: one kubelet listing each container under two cgroups whose order flips between
 * scrapes. Heapster lost cpu/usage_rate for both pods; kubestats must serve 250m for each.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podMetricsListSchema } from '../test-support/metrics-api-shapes.js';
import { startHarness, type Harness } from '../test-support/e2e-harness.js';

const scrapes = [1, 2].map((n) => readFileSync(new URL(`./fixtures/seed-article-stats-container-scrape-${n}.json`, import.meta.url), 'utf8'));

let kubelet: Server;
let harness: Harness;
let served = 0;
const requests: string[] = [];

beforeAll(async () => {
  kubelet = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      const body = scrapes[Math.min(served, scrapes.length - 1)] ?? '{}';
      served += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
  const port = (kubelet.address() as AddressInfo).port;
  harness = await startHarness({
    source: `kubernetes:?inClusterConfig=false&kubelets=127.0.0.1:${port}`,
    resolutionMs: 60_000,
    startMs: Date.UTC(2017, 4, 4, 15, 40, 0),
  });
});

afterAll(async () => {
  await harness?.stop();
  await new Promise((resolve) => kubelet?.close(resolve));
});

describe('the seed: duplicate cgroups that flip order between scrapes', () => {
  it('serves 250m for both pods after two scrapes', async () => {
    await harness.cycle(Date.UTC(2017, 4, 4, 15, 41, 0));
    await harness.cycle(Date.UTC(2017, 4, 4, 15, 42, 0));
    expect(requests.every((request) => request.startsWith('POST /stats/container'))).toBe(true);
    expect(served).toBe(2);

    const response = await fetch(`${harness.url}/apis/metrics.k8s.io/v1beta1/namespaces/backend/pods`);
    const list = podMetricsListSchema.parse(await response.json());
    const byName = Object.fromEntries(list.items.map((item) => [item.metadata.name, item.containers]));
    expect(byName).toEqual({
      'neo-staging-web-v201-dqxj5': [{ name: 'neo-web', usage: { cpu: '250m', memory: '180000000' } }],
      'neo-staging-web-v201-ee4c3': [{ name: 'neo-web', usage: { cpu: '250m', memory: '180000000' } }],
    });
    expect(list.items.every((item) => item.window === '1m0s')).toBe(true);
  });

  it('records the dedupe in the explain trail', async () => {
    const response = await fetch(`${harness.url}/api/v1/explain/namespaces/backend/pods/neo-staging-web-v201-dqxj5`);
    const report = (await response.json()) as { usable: boolean; diagnostics: { reason: string }[] };
    expect(report.usable).toBe(true);
    expect(report.diagnostics.map((diagnostic) => diagnostic.reason)).toContain('duplicate-cgroup-resolved');
  });
});
