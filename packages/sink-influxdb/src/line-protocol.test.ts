import { floatValue, intValue, Metrics } from '@kubestats/core';
import { buildBatch, nodeSet, podContainerSet } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { escapeMeasurement, escapeTag, formatFloat, formatTimestampNs, measurementAndField, toLineProtocol } from './line-protocol.js';

// 2018-07-26T12:01:00Z, the timestamp of HEAPSTER-REFERENCE.md §6.1's example lines.
const exampleMs = 1_532_606_460_000;
const defaults = { withFields: false, clusterName: 'default', disableCounterMetrics: false };

function lines(batch: ReturnType<typeof buildBatch>, options = defaults): string[] {
  return toLineProtocol(batch, options).points.map((point) => point.line);
}

describe('toLineProtocol', () => {
  it("writes HEAPSTER-REFERENCE.md §6.1's default-schema example byte for byte", () => {
    const batch = buildBatch(exampleMs, [
      podContainerSet({
        namespace: 'prod',
        pod: 'web-1',
        container: 'web',
        node: 'n1',
        labels: { labels: 'app:web', pod_id: 'uid-1', namespace_id: 'ns-uid', host_id: 'i-123', container_base_image: '' },
        metrics: { [Metrics.cpuUsageRate.name]: 250n },
      }),
    ]);
    expect(lines(batch)).toEqual([
      'cpu/usage_rate,cluster_name=default,container_name=web,labels=app:web,namespace_name=prod,nodename=n1,pod_name=web-1,type=pod_container value=250i 1532606460000000000',
    ]);
  });

  it("writes HEAPSTER-REFERENCE.md §6.1's withfields example byte for byte", () => {
    const batch = buildBatch(exampleMs, [nodeSet({ node: 'n1', metrics: { [Metrics.cpuNodeUtilization.name]: 0.125 } })]);
    expect(lines(batch, { ...defaults, withFields: true })).toEqual([
      'cpu,cluster_name=default,nodename=n1,type=node node_utilization=0.125 1532606460000000000',
    ]);
  });

  it('splits withfields names at the first slash only; names without a slash keep field "value"', () => {
    expect(measurementAndField('cpu/usage_rate', true)).toEqual({ measurement: 'cpu', field: 'usage_rate' });
    expect(measurementAndField('uptime', true)).toEqual({ measurement: 'uptime', field: 'value' });
    expect(measurementAndField('custom/a/b', true)).toEqual({ measurement: 'custom', field: 'a/b' });
    expect(measurementAndField('custom/a/b', false)).toEqual({ measurement: 'custom/a/b', field: 'value' });
  });

  it('writes labeled metrics with their labels (resource_id) merged into the tags', () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({
        node: 'n1',
        labeledMetrics: [{ name: Metrics.filesystemUsage.name, labels: { resource_id: '/dev/sda1', host_id: 'x' }, value: 16047185920n }],
      }),
    ]);
    expect(lines(batch)).toEqual([
      'filesystem/usage,cluster_name=default,nodename=n1,resource_id=/dev/sda1,type=node value=16047185920i 1532606460000000000',
    ]);
    expect(lines(batch, { ...defaults, withFields: true, clusterName: 'prod' })).toEqual([
      'filesystem,cluster_name=prod,nodename=n1,resource_id=/dev/sda1,type=node usage=16047185920i 1532606460000000000',
    ]);
  });

  it('escapes commas, spaces and equals signs where line protocol needs it', () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({ node: 'n 1', labels: { labels: 'a:b,c:d=e' }, metrics: { 'custom/req count,x=y': 3n } }),
    ]);
    expect(lines(batch)).toEqual([
      'custom/req\\ count\\,x=y,cluster_name=default,labels=a:b\\,c:d\\=e,nodename=n\\ 1,type=node value=3i 1532606460000000000',
    ]);
    expect(escapeMeasurement('a, b=c')).toBe('a\\,\\ b=c');
    expect(escapeTag('a, b=c')).toBe('a\\,\\ b\\=c');
  });

  it('types fields by the catalogue: integral floats of int metrics become ints, ints of float metrics stay floats', () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({
        node: 'n1',
        metrics: {
          [Metrics.cpuUsageRate.name]: floatValue(249.6),
          [Metrics.cpuNodeCapacity.name]: intValue(4000n),
          'custom/int': intValue(7n),
          'custom/float': floatValue(7),
        },
      }),
    ]);
    expect(lines(batch).map((line) => line.split(' ')[1])).toEqual(['value=250i', 'value=4000', 'value=7i', 'value=7']);
  });

  it('writes floats in the shortest decimal form without exponent, and ints beyond 2^53 exactly', () => {
    expect(formatFloat(0.125)).toBe('0.125');
    expect(formatFloat(4000)).toBe('4000');
    expect(formatFloat(1e21)).toBe('1000000000000000000000');
    expect(formatFloat(1.5e-7)).toBe('0.00000015');
    expect(formatFloat(-2.5e-7)).toBe('-0.00000025');
    expect(formatFloat(1.2345e22)).toBe('12345000000000000000000');
    const batch = buildBatch(exampleMs, [
      nodeSet({ node: 'n1', metrics: { [Metrics.cpuUsage.name]: 9_007_199_254_740_993n, [Metrics.memoryNodeUtilization.name]: 1e-7 } }),
    ]);
    expect(lines(batch).map((line) => line.split(' ')[1])).toEqual(['value=9007199254740993i', 'value=0.0000001']);
  });

  it('stamps nanoseconds exactly', () => {
    expect(formatTimestampNs(exampleMs)).toBe('1532606460000000000');
    expect(formatTimestampNs(1_700_000_000_123)).toBe('1700000000123000000');
  });

  it('leaves out empty tags and the blacklist, and always adds cluster_name', () => {
    const batch = buildBatch(exampleMs, [
      podContainerSet({ pod: 'p', container: 'c', node: 'n1', labels: { labels: '', pod_id: 'u', namespace_id: 'n' }, metrics: { uptime: 1n } }),
    ]);
    expect(lines(batch)).toEqual([
      'uptime,cluster_name=default,container_name=c,namespace_name=default,nodename=n1,pod_name=p,type=pod_container value=1i 1532606460000000000',
    ]);
  });

  it('drops the nine rate inputs with disable_counter_metrics, keeping uptime', () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({
        node: 'n1',
        metrics: { uptime: 5n, [Metrics.cpuUsage.name]: 1n, [Metrics.networkRx.name]: 2n, [Metrics.cpuUsageRate.name]: 3n },
        labeledMetrics: [{ name: Metrics.diskIoReadBytes.name, labels: { resource_id: 'sda' }, value: 4n }],
      }),
    ]);
    const result = toLineProtocol(batch, { ...defaults, disableCounterMetrics: true });
    expect(result.points.map((point) => point.line.split(',')[0])).toEqual(['uptime', 'cpu/usage_rate']);
    expect(result.skipped).toBe(3);
  });

  it('rejects values InfluxDB cannot store instead of sending a bad line', () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({
        node: 'n1',
        metrics: { [Metrics.memoryNodeUtilization.name]: Number.NaN, [Metrics.memoryLimit.name]: 18446744073709551615n, uptime: 1n },
      }),
    ]);
    const result = toLineProtocol(batch, defaults);
    expect(result.points).toHaveLength(1);
    expect(result.failures.map((failure) => [failure.key, failure.reason])).toEqual([
      ['node:n1', 'invalid-value'],
      ['node:n1', 'invalid-value'],
    ]);
    expect(result.failures[1]?.detail).toContain('int64');
  });
});
