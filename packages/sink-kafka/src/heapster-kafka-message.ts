/**
 * Pure mapping from a DataBatch to Heapster's Kafka messages (metrics/sinks/kafka/driver.go): one JSON message per
 * metric value and per labeled metric, byte-compatible with what Go's encoding/json produced for Heapster's
 * KafkaSinkPoint, plus a partition key so one entity's points stay on one partition. Tested without a broker.
 */
import { EntityTypes, parseKey, type DataBatch, type ItemFailure, type MetricSet, type MetricValue } from '@kubestats/core';

/** Which key a message gets; the key picks the partition. */
export type PartitionKeyMode = 'entity' | 'set' | 'metric' | 'none';

export interface KafkaMessageOptions {
  readonly partitionKey: PartitionKeyMode;
  /** Messages larger than this (value + key bytes) are rejected here rather than by the broker. */
  readonly maxMessageBytes: number;
}

export interface HeapsterKafkaMessage {
  /** The metric-set key the point came from, for failures. */
  readonly setKey: string;
  readonly key: string | null;
  readonly value: string;
  /** UTF-8 bytes of key and value. */
  readonly bytes: number;
}

export interface KafkaMessagesResult {
  readonly messages: readonly HeapsterKafkaMessage[];
  readonly failures: readonly ItemFailure[];
}

/**
 * A string as Go's encoding/json writes it (Heapster was built with Go < 1.22): `<`, `>`, `&`, U+2028 and U+2029 as
 * \u escapes, `\n` `\r` `\t` short, every other control character as \u00XX.
 */
export function goJsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || char === '<' || char === '>' || char === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

/** Go's time.Time JSON form in UTC (RFC 3339 with a fraction only when non-zero, trailing zeros trimmed). */
export function formatRfc3339(timestampMs: number): string {
  const iso = new Date(timestampMs).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_match, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

/** The JSON number for a value: ints exact at any size; floats as Go's encoding/json prints them. */
export function metricValueJson(value: MetricValue): string | undefined {
  if (value.kind === 'int') return value.value.toString();
  if (!Number.isFinite(value.value)) return undefined;
  // JSON.stringify and Go's encoding/json agree: shortest round-trip form, exponent only below 1e-6 or from 1e21.
  return JSON.stringify(value.value);
}

/** `namespace/pod` for pods and their containers, the node name for nodes and system containers. */
export function entityPartitionKey(set: MetricSet): string {
  const parsed = parseKey(set.key);
  if (!parsed) return set.key;
  switch (parsed.type) {
    case EntityTypes.pod:
    case EntityTypes.podContainer:
      return `${parsed.namespace}/${parsed.podName}`;
    case EntityTypes.node:
    case EntityTypes.systemContainer:
      return parsed.nodeName;
    case EntityTypes.namespace:
      return parsed.namespace;
    case EntityTypes.cluster:
      return set.key;
  }
}

function partitionKey(mode: PartitionKeyMode, set: MetricSet, metricName: string): string | null {
  switch (mode) {
    case 'entity':
      return entityPartitionKey(set);
    case 'set':
      return set.key;
    case 'metric':
      return metricName;
    case 'none':
      return null;
  }
}

function tagsJson(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${goJsonString(key)}:${goJsonString(labels[key] ?? '')}`).join(',')}}`;
}

/** One KafkaSinkPoint as JSON, fields in Heapster's order. */
export function heapsterPointJson(metricName: string, valueJson: string, timestamp: string, labels: Readonly<Record<string, string>>): string {
  return `{"MetricsName":${goJsonString(metricName)},"MetricsValue":{"value":${valueJson}},"MetricsTimestamp":${goJsonString(timestamp)},"MetricsTags":${tagsJson(labels)}}`;
}

/** Every point of `batch` as a Heapster Kafka message. Never mutates the batch. */
export function toKafkaMessages(batch: DataBatch, options: KafkaMessageOptions): KafkaMessagesResult {
  const timestamp = formatRfc3339(batch.timestampMs);
  const messages: HeapsterKafkaMessage[] = [];
  const failures: ItemFailure[] = [];
  const emit = (set: MetricSet, metricName: string, value: MetricValue, labels: Readonly<Record<string, string>>): void => {
    const valueJson = metricValueJson(value);
    if (valueJson === undefined) {
      failures.push({ key: set.key, reason: 'invalid-value', detail: `${metricName}: ${String(value.value)} has no JSON form` });
      return;
    }
    const json = heapsterPointJson(metricName, valueJson, timestamp, labels);
    const key = partitionKey(options.partitionKey, set, metricName);
    const bytes = Buffer.byteLength(json) + (key === null ? 0 : Buffer.byteLength(key));
    if (bytes > options.maxMessageBytes) {
      failures.push({
        key: set.key,
        reason: 'sink-rejected',
        detail: `${metricName}: message of ${bytes} bytes exceeds maxMessageBytes ${options.maxMessageBytes}`,
      });
      return;
    }
    messages.push({ setKey: set.key, key, value: json, bytes });
  };
  for (const set of batch.metricSets.values()) {
    for (const [metricName, value] of set.metricValues) emit(set, metricName, value, set.labels);
    for (const labeled of set.labeledMetrics) emit(set, labeled.name, labeled.value, { ...set.labels, ...labeled.labels });
  }
  return { messages, failures };
}
