/**
 * Bodies a kubelet (or a proxy in front of it) can send that are not what we expect: truncated, not JSON, the wrong
 * shape, and values that are huge, negative, NaN or fractional. Whole-body problems throw DecodeError naming the
 * byte or path; single bad values are left out with an `invalid-value` diagnostic.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeContainerStats } from './container-stats-decoder.js';
import type { DecodeContext } from './decode-context.js';
import { DecodeError } from './decode-error.js';
import { needsLosslessParse } from './json-body.js';
import { decodeResourceMetrics } from './resource-metrics-decoder.js';
import { decodeSummary } from './summary-decoder.js';

const context: DecodeContext = { nodeName: 'n1', hostname: 'h1', hostId: 'id1', nowMs: Date.UTC(2021, 0, 1) };

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('truncated bodies', () => {
  it('summary cut at byte 40960 names the byte', () => {
    const body = fixture('nri-kubernetes-k8s-1.35-stats-summary.json').slice(0, 40960);
    const error = decodeError(() => decodeSummary(body, context));
    expect(error.message).toBe('truncated JSON at byte 40960 (40960 bytes received)');
    expect(error.byteOffset).toBe(40960);
  });

  it('a cAdvisor body on the lossless path cut short names the byte too', () => {
    const body = fixture('dd-agent-k8s-1.2-2016-06-cadvisor-api-v1.3-subcontainers.json').slice(0, 50_000);
    expect(needsLosslessParse(body)).toBe(true);
    const error = decodeError(() => decodeContainerStats(body, context));
    expect(error.message).toMatch(/^truncated JSON at byte 50000/);
  });

  it('an empty body is truncated at byte 0', () => {
    expect(decodeError(() => decodeSummary('', context)).message).toMatch(/^truncated JSON at byte 0/);
  });

  it('Prometheus text without its final line feed is truncated', () => {
    const body = fixture('metrics-server-kind-2021-10-metrics-resource.prom');
    const cut = body.slice(0, 1000);
    const error = decodeError(() => decodeResourceMetrics(cut, context));
    expect(error.message).toBe('truncated Prometheus text at byte 1000: the last line has no line feed');
    expect(error.byteOffset).toBe(1000);
  });

  it('counts bytes, not UTF-16 characters', () => {
    const body = '{"node":{"nodeName":"nœud","cpu":{"usageCoreNanoSeconds":1';
    expect(decodeError(() => decodeSummary(body, context)).byteOffset).toBe(Buffer.byteLength(body));
  });
});

describe('invalid syntax', () => {
  it('invalid JSON names the byte of the problem', () => {
    const error = decodeError(() => decodeSummary('{"node": {"cpu": tru}}', context));
    expect(error.message).toMatch(/^invalid JSON at byte 17: /);
    expect(error.byteOffset).toBe(17);
  });

  it('an HTML error page is not JSON', () => {
    expect(decodeError(() => decodeContainerStats('<html><body>502 Bad Gateway</body></html>', context)).message).toMatch(/^invalid JSON at byte 0/);
  });

  it('a broken Prometheus line names its byte', () => {
    const body = 'node_cpu_usage_seconds_total 1 1\nnode_memory_working_set_bytes{a="b" 2\n';
    const error = decodeError(() => decodeResourceMetrics(body, context));
    expect(error.message).toMatch(/^invalid Prometheus text at byte 33: /);
  });

  it('text with no kubelet series at all is the wrong shape, not an empty node', () => {
    expect(decodeError(() => decodeResourceMetrics('<html>oops</html>\n', context)).message).toMatch(/^wrong shape: no kubelet resource or cadvisor series/);
  });
});

describe('valid JSON of the wrong shape', () => {
  it.each([
    ['{"node": {"cpu": "fast"}}', 'wrong shape: summary.node.cpu is a string, expected an object'],
    ['[]', 'wrong shape: summary is an array, expected an object'],
    ['{"pods": []}', 'wrong shape: summary.node is missing'],
    ['{"node": {}, "pods": {"a": 1}}', 'wrong shape: summary.pods is an object, expected an array'],
    ['{"node": {}, "pods": [{"podRef": {"namespace": "a"}}]}', 'wrong shape: summary.pods[0].podRef.name is missing'],
    ['{"node": {"systemContainers": [{"name": 7}]}}', 'wrong shape: summary.node.systemContainers[0].name is a number, expected a string'],
  ])('summary %s', (body, message) => {
    expect(decodeError(() => decodeSummary(body, context)).message).toBe(message);
  });

  it.each([
    ['42', 'wrong shape: the body is number, expected a ContainerInfo map or array'],
    ['{"/": 5}', 'wrong shape: containers["/"] is a number, expected an object'],
    ['{"/": {"name": "/", "stats": {}}}', 'wrong shape: containers["/"].stats is an object, expected an array'],
  ])('container stats %s', (body, message) => {
    expect(decodeError(() => decodeContainerStats(body, context)).message).toBe(message);
  });
});

describe('huge, negative, NaN and fractional values', () => {
  const node = (cpu: string, memory: string) =>
    `{"node":{"nodeName":"n1","cpu":{"time":"2020-01-01T00:00:00Z","usageCoreNanoSeconds":${cpu}},"memory":{"usageBytes":${memory},"workingSetBytes":5}}}`;

  it('keeps a counter above 2^53 exact (lossless path) instead of rounding it', () => {
    const result = decodeSummary(node('9007199254740993', '1'), context);
    expect(result.metricSets[0]!.metricValues.get('cpu/usage')!.value).toBe(9_007_199_254_740_993n);
  });

  it.each(['18446744073709551615', '9223372036854771712', '9223372036854772000'])('treats %s as unlimited: absent, no diagnostic', (unlimited) => {
    const result = decodeSummary(node('10', unlimited), context);
    expect(result.metricSets[0]!.metricValues.has('memory/usage')).toBe(false);
    expect(result.metricSets[0]!.metricValues.get('memory/working_set')!.value).toBe(5n);
    expect(result.diagnostics).toEqual([]);
  });

  it.each([
    ['-5', 'negative'],
    ['"NaN"', 'a string, not a number'],
    ['1.5', 'not an integer'],
    ['1.2e18', 'above 2^53, already rounded by whoever wrote it'],
  ])('leaves %s out with invalid-value', (bad, why) => {
    const result = decodeSummary(node(bad, '1'), context);
    expect(result.metricSets[0]!.metricValues.has('cpu/usage')).toBe(false);
    expect(result.metricSets[0]!.metricValues.get('memory/usage')!.value).toBe(1n);
    expect(result.diagnostics).toEqual([
      { key: 'node:n1', stage: 'decode', reason: 'invalid-value', node: 'n1', detail: expect.stringContaining(why) as string },
    ]);
  });

  it('cAdvisor: unlimited memory fields are absent and a negative counter is reported under the set key', () => {
    const body = JSON.stringify({
      '/': {
        name: '/',
        spec: { creation_time: '2020-01-01T00:00:00Z', has_cpu: true, has_memory: true },
        stats: [{ timestamp: '2020-06-01T00:00:00Z', cpu: { usage: { total: -1 } }, memory: { usage: 7, working_set: 6 } }],
      },
    }).replace('"working_set":6', '"working_set":18446744073709551615');
    const result = decodeContainerStats(body, context);
    const set = result.metricSets[0]!;
    expect(set.key).toBe('node:n1');
    expect(set.metricValues.has('memory/working_set')).toBe(false);
    expect(set.metricValues.has('cpu/usage')).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ key: 'node:n1', reason: 'invalid-value', detail: expect.stringContaining('cgroup /: cpu.usage.total = -1') as string })]);
  });

  it('Prometheus: NaN, negative and +Inf samples are left out with invalid-value', () => {
    const body = [
      'node_cpu_usage_seconds_total NaN 1000',
      'node_memory_working_set_bytes -4 1000',
      'container_cpu_usage_seconds_total{container="c",namespace="ns",pod="p"} +Inf 1000',
      'container_memory_working_set_bytes{container="c",namespace="ns",pod="p"} 1024 1000',
      '',
    ].join('\n');
    const result = decodeResourceMetrics(body, context);
    expect(result.diagnostics.map((entry) => `${entry.key} ${entry.reason}`)).toEqual([
      'node:n1 invalid-value',
      'node:n1 invalid-value',
      'namespace:ns/pod:p/container:c invalid-value',
    ]);
    const container = result.metricSets.find((set) => set.key === 'namespace:ns/pod:p/container:c')!;
    expect(container.metricValues.get('memory/working_set')!.value).toBe(1024n);
    expect(container.metricValues.has('cpu/usage')).toBe(false);
  });

  it('Prometheus: a kubelet scrape_error is reported as missing values on the node', () => {
    const result = decodeResourceMetrics('node_cpu_usage_seconds_total 2.5 1000\nscrape_error 1\n', context);
    expect(result.metricSets[0]!.metricValues.get('cpu/usage')!.value).toBe(2_500_000_000n);
    expect(result.diagnostics).toEqual([expect.objectContaining({ key: 'node:n1', reason: 'missing-value' })]);
  });

  it('cpu seconds keep microsecond precision at large counters', () => {
    // 12345678.123456 s of cpu (~143 days on one core) is exactly 12345678123456000 ns, beyond 2^53
    const result = decodeResourceMetrics('node_cpu_usage_seconds_total 12345678.123456 1000\n', context);
    expect(result.metricSets[0]!.metricValues.get('cpu/usage')!.value).toBe(12_345_678_123_456_000n);
  });
});
