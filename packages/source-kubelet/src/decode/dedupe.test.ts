/**
 * The reason this product exists: one container listed under several cgroups must become exactly one set, the same
 * one on every scrape whatever the payload order, with a `duplicate-cgroup-resolved` diagnostic.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContainerStats } from './container-stats-decoder.js';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { decodeResultToJson } from './decode-result-json.js';
import { decodeSummary } from './summary-decoder.js';

const context: DecodeContext = { nodeName: 'n1', hostname: 'h1', hostId: 'id1', nowMs: Date.UTC(2017, 4, 4, 15, 42) };

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function containers(result: DecodeResult) {
  return result.metricSets.filter((set) => set.labels.type === 'pod_container');
}

/** Re-serialises a ContainerInfo map with its entries in the given order (JSON objects keep insertion order). */
function reordered(body: string, order: readonly number[]): string {
  const entries = Object.entries(JSON.parse(body) as Record<string, unknown>);
  return JSON.stringify(Object.fromEntries(order.map((index) => entries[index]!)));
}

const dqxj5 = 'namespace:backend/pod:neo-staging-web-v201-dqxj5/container:neo-web';
const ee4c3 = 'namespace:backend/pod:neo-staging-web-v201-ee4c3/container:neo-web';

describe('the seed: one container per pod under two cgroups, order flipping between scrapes', () => {
  const first = decodeContainerStats(fixture('seed-article-stats-container-scrape-1.json'), context);
  const second = decodeContainerStats(fixture('seed-article-stats-container-scrape-2.json'), context);

  it('decodes each scrape to exactly one container per pod', () => {
    for (const result of [first, second]) {
      expect(containers(result).map((set) => set.key).sort()).toEqual([dqxj5, ee4c3]);
    }
  });

  it('keeps the same cgroup both times (newest start: /docker/<id>), so the start time does not flap', () => {
    for (const key of [dqxj5, ee4c3]) {
      const a = first.metricSets.find((set) => set.key === key)!;
      const b = second.metricSets.find((set) => set.key === key)!;
      expect(a.collectionStartTimeMs).toBe(b.collectionStartTimeMs);
      expect(a.containerId).toBe(b.containerId);
    }
    // creation_time of /docker/cf372e95… is 15:30:43.173 (the /system.slice copy is 15:30:22.688)
    expect(first.metricSets.find((set) => set.key === dqxj5)!.collectionStartTimeMs).toBe(Date.parse('2017-05-04T15:30:43.173Z'));
    // cpu/usage moves 415e9 → 430e9 ns over 60 s: 250 millicores once a rate processor sees both
    expect(String(first.metricSets.find((set) => set.key === dqxj5)!.metricValues.get('cpu/usage')!.value)).toBe('415000000000');
    expect(String(second.metricSets.find((set) => set.key === dqxj5)!.metricValues.get('cpu/usage')!.value)).toBe('430000000000');
  });

  it('records what it kept and dropped', () => {
    for (const result of [first, second]) {
      const diagnostic = result.diagnostics.find((entry) => entry.key === dqxj5)!;
      expect(diagnostic).toMatchObject({ stage: 'dedupe', reason: 'duplicate-cgroup-resolved', node: 'n1' });
      expect(diagnostic.detail).toContain('kept /docker/cf372e95fb3ed22b8613576164867f273eca157c0d3c4112af196993b0b8125f');
      expect(diagnostic.detail).toContain('dropped /system.slice/docker.service/docker/cf372e95fb3ed22b8613576164867f273eca157c0d3c4112af196993b0b8125f');
    }
    expect(first.diagnostics).toHaveLength(2);
  });

  it('gives the same output for every order of the map entries', () => {
    const body = fixture('seed-article-stats-container-scrape-1.json');
    const expected = decodeResultToJson(first);
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5, maxLength: 5 }), (order) => {
        expect(decodeResultToJson(decodeContainerStats(reordered(body, order), context))).toBe(expected);
      }),
      { numRuns: 50 },
    );
  });
});

describe('the kubepods slice shape (invented payload, see fixtures/README.md)', () => {
  const body = fixture('invented-kubepods-slice-duplicate-stats-container.json');
  const result = decodeContainerStats(body, context);

  it('prefers the copy under the pod cgroup present in the payload over a newer leaked cgroupfs copy', () => {
    const cart = result.metricSets.find((set) => set.key === 'namespace:shop/pod:cart-7d9f8-xk2lp/container:cart')!;
    expect(String(cart.metricValues.get('cpu/usage')!.value)).toBe('83500000000'); // the live .scope copy's last total
    const diagnostic = result.diagnostics.find((entry) => entry.key === cart.key)!;
    expect(diagnostic.detail).toMatch(/^kept \/kubepods\.slice\/.*docker-a1b2.*\.scope .*dropped \/kubepods\/burstable\/pod5f3c2a1e/);
  });

  it('prefers live counters over an all-zero copy with a newer start when neither is under a listed pod cgroup', () => {
    const worker = result.metricSets.find((set) => set.key === 'namespace:shop/pod:worker-0/container:worker')!;
    expect(String(worker.metricValues.get('cpu/usage')!.value)).toBe('7300000000');
    expect(result.diagnostics.find((entry) => entry.key === worker.key)!.detail).toContain('all zero');
  });

  it('gives the pod its pod-cgroup cpu/memory and the pause sandbox network, never the pause cpu', () => {
    const pod = result.metricSets.find((set) => set.key === 'namespace:shop/pod:cart-7d9f8-xk2lp')!;
    expect(String(pod.metricValues.get('cpu/usage')!.value)).toBe('83610000000'); // pod cgroup, not pause 40100000
    expect(String(pod.metricValues.get('network/rx')!.value)).toBe('52001000'); // pause eth0, last sample
    expect(pod.labels.pod_id).toBe('5f3c2a1e-8b7d-4c6e-9a0f-1b2c3d4e5f60');
  });

  it('is order independent', () => {
    const count = Object.keys(JSON.parse(body) as object).length;
    const expected = decodeResultToJson(result);
    fc.assert(
      fc.property(fc.shuffledSubarray([...Array(count).keys()], { minLength: count, maxLength: count }), (order) => {
        expect(decodeResultToJson(decodeContainerStats(reordered(body, order), context))).toBe(expected);
      }),
      { numRuns: 50 },
    );
  });
});

describe('an unlabeled copy of a pod container', () => {
  it('is dropped instead of becoming a system container', () => {
    const seed = JSON.parse(fixture('seed-article-stats-container-scrape-1.json')) as Record<string, { spec: { labels: object } }>;
    const leaked = '/system.slice/docker.service/docker/cf372e95fb3ed22b8613576164867f273eca157c0d3c4112af196993b0b8125f';
    seed[leaked]!.spec.labels = {};
    const result = decodeContainerStats(JSON.stringify(seed), context);
    expect(result.metricSets.some((set) => set.labels.type === 'sys_container')).toBe(false);
    expect(result.diagnostics.find((entry) => entry.key === dqxj5)!.detail).toContain(`dropped unlabeled cgroup ${leaked}`);
  });
});

describe('summary: a terminated and a running container with the same name', () => {
  const summary = (containersJson: unknown[]) =>
    JSON.stringify({
      node: { nodeName: 'n1', startTime: '2020-01-01T00:00:00Z' },
      pods: [{ podRef: { name: 'web-1', namespace: 'prod', uid: 'u1' }, startTime: '2020-01-01T00:00:00Z', containers: containersJson }],
    });
  const terminated = { name: 'web', startTime: '2020-01-01T00:00:05Z', cpu: { time: '2020-01-01T01:00:00Z', usageCoreNanoSeconds: 900 } };
  const running = { name: 'web', startTime: '2020-01-01T00:10:00Z', cpu: { time: '2020-01-01T01:00:00Z', usageCoreNanoSeconds: 100 } };

  it('keeps the newer start time in either order, with duplicate-container-resolved', () => {
    for (const order of [[terminated, running], [running, terminated]]) {
      const result = decodeSummary(summary(order), { ...context, nowMs: Date.UTC(2021, 0, 1) });
      const sets = result.metricSets.filter((set) => set.key === 'namespace:prod/pod:web-1/container:web');
      expect(sets).toHaveLength(1);
      expect(String(sets[0]!.metricValues.get('cpu/usage')!.value)).toBe('100');
      expect(result.diagnostics).toEqual([
        expect.objectContaining({ key: 'namespace:prod/pod:web-1/container:web', stage: 'dedupe', reason: 'duplicate-container-resolved' }),
      ]);
    }
  });
  it('chooses between copies with the same start and counter by content, not by their order', () => {
    const a = { ...running, memory: { time: '2020-01-01T01:00:00Z', workingSetBytes: 2000 } };
    const b = { ...running, memory: { time: '2020-01-01T01:00:00Z', workingSetBytes: 1000 } };
    const kept = [[a, b], [b, a]].map((order) => {
      const result = decodeSummary(summary(order), { ...context, nowMs: Date.UTC(2021, 0, 1) });
      const set = result.metricSets.find((candidate) => candidate.key === 'namespace:prod/pod:web-1/container:web');
      return String(set?.metricValues.get('memory/working_set')?.value);
    });
    expect(kept).toEqual(['2000', '2000']);
  });
});
