import { floatValue, intValue, Metrics } from '@kubestats/core';
import { buildBatch, clusterSet, namespaceSet, nodeSet, podContainerSet, podSet, systemContainerSet } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { entityPartitionKey, formatRfc3339, goJsonString, toKafkaMessages } from './heapster-kafka-message.js';

// 2018-07-26T12:01:00Z, the timestamp of HEAPSTER-REFERENCE.md §6.2's example.
const exampleMs = 1_532_606_460_000;
const options = { partitionKey: 'entity', maxMessageBytes: 1_000_000 } as const;

describe('toKafkaMessages', () => {
  it("writes HEAPSTER-REFERENCE.md §6.2's example shape byte for byte: field order, all labels (empty kept), sorted, no cluster_name", () => {
    const batch = buildBatch(exampleMs, [
      podContainerSet({
        namespace: 'prod',
        pod: 'web-1',
        container: 'web',
        node: 'n1',
        labels: { labels: 'app:web', host_id: '', pod_id: 'uid-1' },
        metrics: { [Metrics.cpuUsageRate.name]: 250n },
      }),
    ]);
    const { messages, failures } = toKafkaMessages(batch, options);
    expect(failures).toEqual([]);
    expect(messages.map((message) => [message.key, message.value])).toEqual([
      [
        'prod/web-1',
        '{"MetricsName":"cpu/usage_rate","MetricsValue":{"value":250},"MetricsTimestamp":"2018-07-26T12:01:00Z","MetricsTags":{"container_name":"web","host_id":"","hostname":"n1","labels":"app:web","namespace_name":"prod","nodename":"n1","pod_id":"uid-1","pod_name":"web-1","type":"pod_container"}}',
      ],
    ]);
  });

  it("merges a labeled metric's labels over the set's", () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({ node: 'n1', labeledMetrics: [{ name: Metrics.filesystemUsage.name, labels: { resource_id: '/', type: 'x' }, value: 7n }] }),
    ]);
    expect(toKafkaMessages(batch, options).messages[0]?.value).toBe(
      '{"MetricsName":"filesystem/usage","MetricsValue":{"value":7},"MetricsTimestamp":"2018-07-26T12:01:00Z","MetricsTags":{"hostname":"n1","nodename":"n1","resource_id":"/","type":"x"}}',
    );
  });

  it('writes ints beyond 2^53 exactly and floats in their shortest form', () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({
        node: 'n1',
        metrics: {
          [Metrics.cpuUsage.name]: intValue(18446744073709551615n),
          [Metrics.cpuNodeUtilization.name]: floatValue(0.25),
          [Metrics.memoryNodeCapacity.name]: floatValue(3),
          [Metrics.networkRxRate.name]: floatValue(1e-7),
        },
      }),
    ]);
    const values = toKafkaMessages(batch, options).messages.map((message) => /"value":([^}]*)}/.exec(message.value)?.[1]);
    expect(values).toEqual(['18446744073709551615', '0.25', '3', '1e-7']);
  });

  it('stamps RFC 3339 UTC like Go: no .000, fraction trimmed when present', () => {
    expect(formatRfc3339(exampleMs)).toBe('2018-07-26T12:01:00Z');
    expect(formatRfc3339(exampleMs + 500)).toBe('2018-07-26T12:01:00.5Z');
    expect(formatRfc3339(exampleMs + 120)).toBe('2018-07-26T12:01:00.12Z');
  });

  it("escapes strings as Go's encoding/json does", () => {
    expect(goJsonString('a<b>&"c"\\\n\t\u0001\u2028é')).toBe('"a\\u003cb\\u003e\\u0026\\"c\\"\\\\\\n\\t\\u0001\\u2028é"');
  });

  it('keys by the pod or node the point belongs to, or as configured', () => {
    const sets = [
      podContainerSet({ namespace: 'ns', pod: 'p', container: 'c' }),
      podSet({ namespace: 'ns', pod: 'p' }),
      nodeSet({ node: 'n1' }),
      systemContainerSet({ node: 'n1', container: 'kubelet' }),
      namespaceSet({ namespace: 'ns' }),
      clusterSet({}),
    ];
    expect(sets.map(entityPartitionKey)).toEqual(['ns/p', 'ns/p', 'n1', 'n1', 'ns', 'cluster']);
    const batch = buildBatch(exampleMs, [podContainerSet({ namespace: 'ns', pod: 'p', container: 'c', metrics: { uptime: 1n } })]);
    expect(toKafkaMessages(batch, { ...options, partitionKey: 'set' }).messages[0]?.key).toBe('namespace:ns/pod:p/container:c');
    expect(toKafkaMessages(batch, { ...options, partitionKey: 'metric' }).messages[0]?.key).toBe('uptime');
    expect(toKafkaMessages(batch, { ...options, partitionKey: 'none' }).messages[0]?.key).toBeNull();
  });

  it('rejects NaN (no JSON form) and oversized messages before they reach the broker', () => {
    const batch = buildBatch(exampleMs, [
      nodeSet({ node: 'n1', labels: { labels: 'x'.repeat(2000) }, metrics: { [Metrics.cpuNodeUtilization.name]: Number.NaN, uptime: 1n } }),
    ]);
    const result = toKafkaMessages(batch, { ...options, maxMessageBytes: 1024 });
    expect(result.messages).toEqual([]);
    expect(result.failures.map((failure) => failure.reason)).toEqual(['invalid-value', 'sink-rejected']);
    expect(result.failures[1]?.detail).toContain('exceeds maxMessageBytes 1024');
  });
});
