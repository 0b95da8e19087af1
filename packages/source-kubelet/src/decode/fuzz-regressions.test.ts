/**
 * Regressions for the decoder bugs apps/reliability's fuzzer and property tests found: a non-DecodeError escaping
 * (`BigInt(Infinity)`), two sets with one key, and a value out of every range dropped without a diagnostic. Each
 * body is the minimal reproducer of the fuzz finding, so these fail on the decoders as they were before the fixes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContainerStats } from './container-stats-decoder.js';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { decodeResultToJson } from './decode-result-json.js';
import { decodeResourceMetrics } from './resource-metrics-decoder.js';
import { decodeSummary } from './summary-decoder.js';

const context: DecodeContext = { nodeName: 'n1', hostname: 'h1', hostId: 'id1', nowMs: Date.UTC(2030, 0, 1) };

function keys(result: DecodeResult): string[] {
  return result.metricSets.map((set) => set.key);
}

function expectUniqueKeys(result: DecodeResult): void {
  expect(keys(result)).toEqual([...new Set(keys(result))]);
}

function set(result: DecodeResult, key: string) {
  const found = result.metricSets.find((entry) => entry.key === key);
  if (found === undefined) throw new Error(`no set ${key} in ${keys(result).join(', ')}`);
  return found;
}

describe('values beyond the range of a double or of a uint64', () => {
  it('Prometheus: 1e308 cpu seconds is an invalid value, not a RangeError', () => {
    const body = 'container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1e308 1633000000000\n';
    const result = decodeResourceMetrics(body, context);
    expect(set(result, 'namespace:n/pod:p/container:c').metricValues.has('cpu/usage')).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ key: 'namespace:n/pod:p/container:c', reason: 'invalid-value', detail: 'cpu/usage = "1e308" left out: out of range: above uint64 max nanoseconds' }),
    ]);
  });

  it('Prometheus: a cadvisor cpu counter of 1e308 seconds is an invalid value too', () => {
    const body = 'container_cpu_usage_seconds_total{cpu="total",id="/system.slice/a.service"} 1e308 1633000000000\n';
    const result = decodeResourceMetrics(body, context);
    expect(set(result, 'node:n1/container:system.slice/a.service').metricValues.has('cpu/usage')).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ key: 'node:n1/container:system.slice/a.service', reason: 'invalid-value' })]);
  });

  it('Prometheus: a start time of 1e308 seconds is an invalid value, never an infinite start time', () => {
    const body = [
      'container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1 1633000000000',
      'container_start_time_seconds{container="c",namespace="n",pod="p"} 1e308 1633000000000',
      '',
    ].join('\n');
    const result = decodeResourceMetrics(body, context);
    const container = set(result, 'namespace:n/pod:p/container:c');
    expect(container.collectionStartTimeMs).toBe(0);
    expect(container.metricValues.has('uptime')).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ key: container.key, reason: 'invalid-value' })]);
  });

  it('Prometheus: a byte count above uint64 max is an invalid value, not "unlimited"', () => {
    const body = 'container_memory_working_set_bytes{container="c",namespace="n",pod="p"} 1e30 1633000000000\n';
    const result = decodeResourceMetrics(body, context);
    expect(result.diagnostics).toEqual([expect.objectContaining({ key: 'namespace:n/pod:p/container:c', reason: 'invalid-value' })]);
  });

  const summary = (workingSet: string) =>
    `{"node":{"nodeName":"n1","memory":{"time":"2020-01-01T00:00:00Z","usageBytes":7,"workingSetBytes":${workingSet}}}}`;

  it.each(['1e400', '-1e400', '1e30', '18446744073709551617'])('summary: a working set of %s is left out with invalid-value', (value) => {
    const result = decodeSummary(summary(value), context);
    const node = set(result, 'node:n1');
    expect(node.metricValues.has('memory/working_set')).toBe(false);
    expect(node.metricValues.get('memory/usage')!.value).toBe(7n);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ key: 'node:n1', reason: 'invalid-value', detail: expect.stringContaining('memory.workingSetBytes') as string }),
    ]);
  });

  it('summary: uint64 max itself is still "unlimited": absent without a diagnostic', () => {
    const result = decodeSummary(summary('18446744073709551615'), context);
    expect(set(result, 'node:n1').metricValues.has('memory/working_set')).toBe(false);
    expect(result.diagnostics).toEqual([]);
  });

  it('cAdvisor map: a working set of 1e400 is left out with invalid-value', () => {
    const body = '{"/":{"name":"/","spec":{"has_memory":true},"stats":[{"timestamp":"2020-06-01T00:00:00Z","memory":{"usage":7,"working_set":1e400}}]}}';
    const result = decodeContainerStats(body, context);
    expect(set(result, 'node:n1').metricValues.has('memory/working_set')).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ key: 'node:n1', reason: 'invalid-value', detail: 'cgroup /: memory.working_set = Infinity left out: not a finite non-negative number' }),
    ]);
  });
});

/** A `/api/v1.3/subcontainers` entry with one sample. */
function info(name: string, cpu: number, options: { created?: string; at?: string; memory?: number } = {}) {
  return {
    name,
    spec: { creation_time: options.created ?? '2016-06-01T00:00:00Z', has_cpu: true, has_memory: options.memory !== undefined },
    stats: [{ timestamp: options.at ?? '2016-06-01T00:01:00Z', cpu: { usage: { total: cpu } }, memory: { usage: options.memory ?? 0 } }],
  };
}

describe('container-stats: one cgroup listed twice is one set', () => {
  it('the fuzz reproducer: /kubelet twice keeps the higher cpu, in either order, with duplicate-cgroup-resolved', () => {
    const outputs = new Set<string>();
    for (const list of [[info('/kubelet', 1), info('/kubelet', 2)], [info('/kubelet', 2), info('/kubelet', 1)]]) {
      const result = decodeContainerStats(JSON.stringify(list), context);
      expect(keys(result)).toEqual(['node:n1/container:kubelet']);
      expect(set(result, 'node:n1/container:kubelet').metricValues.get('cpu/usage')!.value).toBe(2n);
      expect(result.diagnostics).toEqual([
        expect.objectContaining({ key: 'node:n1/container:kubelet', stage: 'dedupe', reason: 'duplicate-cgroup-resolved', detail: expect.stringMatching(/kept \/kubelet .*cpu\/usage 2.*dropped \/kubelet .*cpu\/usage 1/) as string }),
      ]);
      outputs.add(decodeResultToJson(result));
    }
    expect(outputs.size).toBe(1);
  });

  it('the root cgroup twice is one node set, the later sample kept when start and cpu tie', () => {
    const older = info('/', 5, { at: '2016-06-01T00:01:00Z' });
    const newer = { ...info('/', 5, { at: '2016-06-01T00:02:00Z' }), spec: { ...older.spec, has_memory: true } };
    newer.stats[0]!.memory.usage = 9;
    for (const list of [[older, newer], [newer, older]]) {
      const result = decodeContainerStats(JSON.stringify(list), context);
      expect(keys(result)).toEqual(['node:n1']);
      expect(set(result, 'node:n1').scrapeTimeMs).toBe(Date.parse('2016-06-01T00:02:00Z'));
      expect(result.diagnostics).toEqual([expect.objectContaining({ key: 'node:n1', reason: 'duplicate-cgroup-resolved' })]);
    }
  });

  it('a pod-level cgroup twice stays the pod cgroup and does not leak a system container', () => {
    const uid = '5f3c2a1e-8b7d-4c6e-9a0f-1b2c3d4e5f60';
    const container = {
      ...info(`/kubepods/pod${uid}/abc`, 3),
      spec: {
        creation_time: '2016-06-01T00:00:00Z',
        has_cpu: true,
        labels: { 'io.kubernetes.pod.namespace': 'ns', 'io.kubernetes.pod.name': 'p', 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': 'c' },
      },
    };
    const result = decodeContainerStats(JSON.stringify([info(`/kubepods/pod${uid}`, 10), container, info(`/kubepods/pod${uid}`, 11)]), context);
    expect(keys(result).sort()).toEqual(['namespace:ns/pod:p', 'namespace:ns/pod:p/container:c']);
    expect(set(result, 'namespace:ns/pod:p').metricValues.get('cpu/usage')!.value).toBe(11n);
  });

  it('`kubelet` and `/kubelet` (one system container key) are one set', () => {
    for (const list of [[info('kubelet', 1), info('/kubelet', 2)], [info('/kubelet', 2), info('kubelet', 1)]]) {
      const result = decodeContainerStats(JSON.stringify(list), context);
      expect(keys(result)).toEqual(['node:n1/container:kubelet']);
      expect(set(result, 'node:n1/container:kubelet').metricValues.get('cpu/usage')!.value).toBe(2n);
    }
  });

  it('any number of copies of any cgroups, in any order, give unique keys and one output', () => {
    const pool = [info('/', 1), info('/', 2), info('/kubelet', 1), info('/kubelet', 1), info('kubelet', 3), info('/docker', 4)];
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: 1 }), (list) => {
        const result = decodeContainerStats(JSON.stringify(list), context);
        expectUniqueKeys(result);
        const reversed = decodeContainerStats(JSON.stringify([...list].reverse()), context);
        expect(decodeResultToJson(reversed)).toBe(decodeResultToJson(result));
      }),
      { numRuns: 200 },
    );
  });
});

describe('resource-metrics: a container both with and without a cgroup `id` is one set', () => {
  // The fuzz reproducer: a duplicated chunk of a /metrics/cadvisor body mangled one series' `id` label away, so the
  // container came once from its cgroup and once as a /metrics/resource-style series.
  const withId = [
    'container_cpu_usage_seconds_total{container="c",cpu="total",id="/kubepods/pod1/abc",image="img",namespace="ns",pod="p"} 3 1633000000000',
    'container_memory_working_set_bytes{container="c",id="/kubepods/pod1/abc",image="img",namespace="ns",pod="p"} 100 1633000000000',
  ];
  const withoutId = ['container_cpu_usage_seconds_total{container="c",namespace="ns",pod="p"} 9 1633000000000'];

  it('keeps the cgroup view, whichever comes first, with duplicate-cgroup-resolved', () => {
    for (const lines of [[...withId, ...withoutId], [...withoutId, ...withId]]) {
      const result = decodeResourceMetrics(`${lines.join('\n')}\n`, context);
      expectUniqueKeys(result);
      const container = set(result, 'namespace:ns/pod:p/container:c');
      expect(container.metricValues.get('cpu/usage')!.value).toBe(3_000_000_000n);
      expect(container.labels.container_base_image).toBe('img');
      expect(result.diagnostics).toEqual([
        expect.objectContaining({ key: container.key, stage: 'dedupe', reason: 'duplicate-cgroup-resolved', detail: expect.stringContaining('kept cgroup /kubepods/pod1/abc') as string }),
      ]);
    }
  });

  it('node series beside a root cgroup are one node set', () => {
    const body = ['node_cpu_usage_seconds_total 2 1633000000000', 'container_cpu_usage_seconds_total{cpu="total",id="/"} 5 1633000000000', ''].join('\n');
    const result = decodeResourceMetrics(body, context);
    expect(keys(result)).toEqual(['node:n1']);
    expect(set(result, 'node:n1').metricValues.get('cpu/usage')!.value).toBe(5_000_000_000n);
  });

  it('cgroups `kubelet` and `/kubelet` are one system container', () => {
    const body = ['container_cpu_usage_seconds_total{cpu="total",id="kubelet"} 1 1633000000000', 'container_cpu_usage_seconds_total{cpu="total",id="/kubelet"} 2 1633000000000', ''].join('\n');
    const result = decodeResourceMetrics(body, context);
    expect(keys(result)).toEqual(['node:n1/container:kubelet']);
    expect(set(result, 'node:n1/container:kubelet').metricValues.get('cpu/usage')!.value).toBe(2_000_000_000n);
  });
});
