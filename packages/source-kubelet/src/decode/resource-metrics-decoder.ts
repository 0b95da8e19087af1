/**
 * Decoder for the kubelet's Prometheus text endpoints. `/metrics/resource` (node_, pod_ and container_ cpu seconds,
 * working set, container start time, scrape_error) is its purpose; `/metrics/cadvisor` bodies are understood too:
 * series carrying an `id` (cgroup) label are grouped per cgroup, with both label generations (`container_name` /
 * `pod_name` before k8s 1.16, `container` / `pod` after), per-CPU series summed when there is no `cpu="total"`, and
 * pause sandboxes (`POD`, `""`) treated like the legacy source's. Parsing is parse-prometheus-text-format's: values
 * stay strings until we convert them, so cpu seconds become exact integer nanoseconds (rounded to the microsecond the
 * kubelet prints).
 */
import {
  Metrics,
  intValue,
  nodeKey,
  nodeLabelsOf,
  podContainerKey,
  podContainerLabelsOf,
  podKey,
  podLabelsOf,
  type LabeledMetric,
  type MetricDescriptor,
  type MetricSet,
} from '@kubestats/core';
import { runtimeIdOfCgroup, type PodContainerIdentity } from './cgroup-identity.js';
import { emitCgroupSets, Liveness, type CgroupSample } from './cgroup-metric-sets.js';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { DecodeError } from './decode-error.js';
import { parsePrometheusText, type PrometheusFamily, type PrometheusSample } from './prometheus-text-parser.js';
import { DecodeSession, largeValueKind, outOfRangeReason, type MetricValues } from './decode-session.js';

/** Families of `/metrics/resource` (kubelet ≥ 1.18; `container_start_time_seconds` since ~1.23). */
export const resourceFamilies = {
  nodeCpu: 'node_cpu_usage_seconds_total',
  nodeMemory: 'node_memory_working_set_bytes',
  podCpu: 'pod_cpu_usage_seconds_total',
  podMemory: 'pod_memory_working_set_bytes',
  containerCpu: 'container_cpu_usage_seconds_total',
  containerMemory: 'container_memory_working_set_bytes',
  containerStart: 'container_start_time_seconds',
  scrapeError: 'scrape_error',
} as const;

/** The extra `/metrics/cadvisor` families read per cgroup, with the metric each one feeds. */
const cadvisorFamilies: ReadonlyMap<string, MetricDescriptor> = new Map([
  ['container_memory_usage_bytes', Metrics.memoryUsage],
  ['container_memory_working_set_bytes', Metrics.memoryWorkingSet],
  ['container_memory_rss', Metrics.memoryRss],
  ['container_memory_cache', Metrics.memoryCache],
  ['container_network_receive_bytes_total', Metrics.networkRx],
  ['container_network_transmit_bytes_total', Metrics.networkTx],
  ['container_network_receive_errors_total', Metrics.networkRxErrors],
  ['container_network_transmit_errors_total', Metrics.networkTxErrors],
]);
const memoryFailures = 'container_memory_failures_total';
/** Summed over interfaces (one series each). */
const summedCadvisorMetrics: ReadonlySet<string> = new Set([
  Metrics.networkRx.name,
  Metrics.networkTx.name,
  Metrics.networkRxErrors.name,
  Metrics.networkTxErrors.name,
]);

interface EntityValues {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly values: MetricValues;
  startMs: number;
  scrapeTimeMs: number;
}

interface CgroupAccumulator {
  readonly cgroup: string;
  readonly identity: PodContainerIdentity | undefined;
  readonly image: string | undefined;
  readonly values: MetricValues;
  cpuTotal: bigint | undefined;
  perCpuSum: bigint | undefined;
  startMs: number;
  scrapeTimeMs: number;
}

export function decodeResourceMetrics(body: string, context: DecodeContext): DecodeResult {
  const families = parseText(body);
  const session = new DecodeSession(context);
  const reader = new ResourceReader(session);
  let known = 0;
  for (const family of families) if (reader.family(family)) known++;
  if (known === 0 && body.trim() !== '') {
    // The parser accepts almost any line as an untyped sample; an HTML error page must not look like "no pods".
    const firstLine = body.slice(0, body.indexOf('\n')).slice(0, 80);
    throw new DecodeError(`wrong shape: no kubelet resource or cadvisor series in ${Buffer.byteLength(body)} bytes (first line: ${JSON.stringify(firstLine)})`);
  }
  reader.emit();
  return session.result();
}

const invalidLinePrefix = 'Encountered invalid line: ';

function parseText(body: string): PrometheusFamily[] {
  // The text format ends every line with a line feed; the parser silently drops an unterminated last line, which
  // is exactly what a truncated body looks like.
  if (body.length > 0 && !body.endsWith('\n')) {
    const bytes = Buffer.byteLength(body);
    throw new DecodeError(`truncated Prometheus text at byte ${bytes}: the last line has no line feed`, bytes);
  }
  try {
    return parsePrometheusText(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = message.startsWith(invalidLinePrefix) ? message.slice(invalidLinePrefix.length) : undefined;
    const index = line === undefined ? -1 : body.indexOf(line);
    const byteOffset = index < 0 ? undefined : Buffer.byteLength(body.slice(0, index));
    throw new DecodeError(`invalid Prometheus text${byteOffset === undefined ? '' : ` at byte ${byteOffset}`}: ${message}`, byteOffset);
  }
}

class ResourceReader {
  readonly #session: DecodeSession;
  readonly #nodeKey: string;
  #node: EntityValues | undefined;
  readonly #pods = new Map<string, EntityValues>();
  readonly #containers = new Map<string, EntityValues>();
  readonly #cgroups = new Map<string, CgroupAccumulator>();
  #scrapeError = false;

  constructor(session: DecodeSession) {
    this.#session = session;
    this.#nodeKey = nodeKey(session.context.nodeName);
  }

  /** Reads one family; false when it is none the decoders map. */
  family(family: PrometheusFamily): boolean {
    const name = family.name;
    const cadvisorMetric = cadvisorFamilies.get(name);
    const known =
      cadvisorMetric !== undefined ||
      name === memoryFailures ||
      name === resourceFamilies.containerCpu ||
      name === resourceFamilies.containerStart ||
      name === resourceFamilies.nodeCpu ||
      name === resourceFamilies.nodeMemory ||
      name === resourceFamilies.podCpu ||
      name === resourceFamilies.podMemory ||
      name === resourceFamilies.scrapeError;
    if (!known) return false;
    for (const sample of family.metrics) {
      const labels = sample.labels;
      const cgroup = labels?.id;
      if (cgroup !== undefined) this.#cadvisorSample(name, cadvisorMetric, cgroup, sample);
      else this.#resourceSample(name, sample);
    }
    return true;
  }

  #resourceSample(family: string, sample: PrometheusSample): void {
    const labels = sample.labels ?? {};
    switch (family) {
      case resourceFamilies.scrapeError:
        if (Number(sample.value) !== 0) this.#scrapeError = true;
        return;
      case resourceFamilies.nodeCpu:
        this.#setSeconds(this.#nodeEntity(), Metrics.cpuUsage, sample);
        return;
      case resourceFamilies.nodeMemory:
        this.#setBytes(this.#nodeEntity(), Metrics.memoryWorkingSet, sample);
        return;
      case resourceFamilies.podCpu:
      case resourceFamilies.podMemory: {
        const pod = this.#podEntity(labels);
        if (pod === undefined) return;
        if (family === resourceFamilies.podCpu) this.#setSeconds(pod, Metrics.cpuUsage, sample);
        else this.#setBytes(pod, Metrics.memoryWorkingSet, sample);
        return;
      }
      case resourceFamilies.containerCpu:
      case resourceFamilies.containerMemory:
      case resourceFamilies.containerStart: {
        const container = this.#containerEntity(labels);
        if (container === undefined) return;
        if (family === resourceFamilies.containerCpu) this.#setSeconds(container, Metrics.cpuUsage, sample);
        else if (family === resourceFamilies.containerMemory) this.#setBytes(container, Metrics.memoryWorkingSet, sample);
        else container.startMs = this.#startMs(container.key, sample.value);
        return;
      }
      default:
        return; // a cadvisor-only family without an `id` label carries nothing we map
    }
  }

  #nodeEntity(): EntityValues {
    this.#node ??= {
      key: this.#nodeKey,
      labels: nodeLabelsOf(this.#session.context),
      values: new Map(),
      startMs: 0,
      scrapeTimeMs: 0,
    };
    return this.#node;
  }

  #podEntity(labels: Readonly<Record<string, string>>): EntityValues | undefined {
    const { namespace, pod } = labels;
    if (!namespace || !pod) return undefined;
    const key = podKey(namespace, pod);
    let entity = this.#pods.get(key);
    if (entity === undefined) {
      entity = {
        key,
        labels: podLabelsOf(this.#session.context, { podName: pod, namespace, podId: '' }),
        values: new Map(),
        startMs: 0,
        scrapeTimeMs: 0,
      };
      this.#pods.set(key, entity);
    }
    return entity;
  }

  #containerEntity(labels: Readonly<Record<string, string>>): EntityValues | undefined {
    const { namespace, pod, container } = labels;
    if (!namespace || !pod || !container) return undefined;
    const key = podContainerKey(namespace, pod, container);
    let entity = this.#containers.get(key);
    if (entity === undefined) {
      entity = {
        key,
        labels: podContainerLabelsOf(this.#session.context, { podName: pod, namespace, podId: '' }, container),
        values: new Map(),
        startMs: 0,
        scrapeTimeMs: 0,
      };
      this.#containers.set(key, entity);
    }
    return entity;
  }

  #setSeconds(entity: EntityValues, descriptor: MetricDescriptor, sample: PrometheusSample): void {
    const nanos = secondsToNanos(this.#session, sample.value, entity.key, descriptor.name);
    if (nanos === undefined) return;
    entity.values.set(descriptor.name, intValue(nanos, descriptor.type));
    this.#sampleTime(entity, sample);
  }

  #setBytes(entity: EntityValues, descriptor: MetricDescriptor, sample: PrometheusSample): void {
    const bytes = textToInt(this.#session, sample.value, entity.key, descriptor.name);
    if (bytes === undefined) return;
    entity.values.set(descriptor.name, intValue(bytes, descriptor.type));
    this.#sampleTime(entity, sample);
  }

  /** Heapster's scrape time: the first sample time seen (cpu families come before memory in every dump). */
  #sampleTime(entity: { scrapeTimeMs: number }, sample: PrometheusSample): void {
    if (entity.scrapeTimeMs > 0 || sample.timestamp_ms === undefined) return;
    const ms = Number(sample.timestamp_ms);
    if (Number.isFinite(ms) && ms > 0) entity.scrapeTimeMs = ms;
  }

  #startMs(key: string, text: string): number {
    const seconds = Number(text);
    if (!Number.isFinite(seconds) || seconds < 0) {
      this.#session.invalid(key, resourceFamilies.containerStart, text, 'not a finite non-negative number');
      return 0;
    }
    const ms = Math.round(seconds * 1000);
    if (ms > maxTimeMs) {
      // 1e308 s is finite, but its milliseconds are Infinity: no Date holds it, and uptime would be -Infinity.
      this.#session.invalid(key, resourceFamilies.containerStart, text, 'out of range: after the last time a Date can hold');
      return 0;
    }
    return ms;
  }

  #cadvisorSample(family: string, metric: MetricDescriptor | undefined, cgroup: string, sample: PrometheusSample): void {
    const labels = sample.labels ?? {};
    let accumulator = this.#cgroups.get(cgroup);
    if (accumulator === undefined) {
      accumulator = {
        cgroup,
        identity: cadvisorIdentity(labels),
        image: labels.image || undefined,
        values: new Map(),
        cpuTotal: undefined,
        perCpuSum: undefined,
        startMs: 0,
        scrapeTimeMs: 0,
      };
      this.#cgroups.set(cgroup, accumulator);
    }
    // Until classified, diagnostics name the cgroup; emitCgroupSets moves them to the set's key.
    if (family === resourceFamilies.containerCpu) {
      const nanos = secondsToNanos(this.#session, sample.value, cgroup, Metrics.cpuUsage.name);
      if (nanos === undefined) return;
      const cpu = labels.cpu;
      if (cpu === undefined || cpu === 'total') accumulator.cpuTotal = nanos;
      else accumulator.perCpuSum = (accumulator.perCpuSum ?? 0n) + nanos;
      this.#sampleTime(accumulator, sample);
      return;
    }
    if (family === resourceFamilies.containerStart) {
      accumulator.startMs = this.#startMs(cgroup, sample.value);
      return;
    }
    let descriptor = metric;
    if (family === memoryFailures) {
      if (labels.scope !== 'container') return;
      descriptor =
        labels.failure_type === 'pgfault' ? Metrics.memoryPageFaults : labels.failure_type === 'pgmajfault' ? Metrics.memoryMajorPageFaults : undefined;
    }
    if (descriptor === undefined) return;
    const value = textToInt(this.#session, sample.value, cgroup, descriptor.name);
    if (value === undefined) return;
    const previous = summedCadvisorMetrics.has(descriptor.name) ? accumulator.values.get(descriptor.name) : undefined;
    const total = previous?.kind === 'int' ? previous.value + value : value;
    accumulator.values.set(descriptor.name, intValue(total, descriptor.type));
    this.#sampleTime(accumulator, sample);
  }

  emit(): void {
    const session = this.#session;
    if (this.#scrapeError) {
      session.diagnose(this.#nodeKey, 'decode', 'missing-value', 'the kubelet reported scrape_error 1: it failed to collect some container metrics, so some are missing');
    }
    const builtFrom = this.#cgroups.size > 0 ? emitCgroupSets(session, [...this.#cgroups.values()].map(toCgroupSample)) : noCgroupSets;
    const entities = [...(this.#node === undefined ? [] : [this.#node]), ...this.#pods.values(), ...this.#containers.values()];
    for (const entity of entities) {
      // A body mixing both shapes (a mangled cadvisor body, a proxy merging endpoints) can name one entity by cgroup
      // and again by series without an `id`. The cgroup view wins: it went through the duplicate rule and has more.
      const cgroup = builtFrom.get(entity.key);
      if (cgroup === undefined) {
        session.metricSets.push(entitySet(session, entity));
        continue;
      }
      session.diagnose(
        entity.key,
        'dedupe',
        'duplicate-cgroup-resolved',
        `kept cgroup ${cgroup}; dropped the series without an id label (${[...entity.values.keys()].join(', ') || 'no values'}); rule: a cgroup's series over series without one`,
      );
    }
  }
}

const noCgroupSets: ReadonlyMap<string, string> = new Map();

function entitySet(session: DecodeSession, entity: EntityValues): MetricSet {
  session.addUptime(entity.values, entity.startMs, entity.key);
  return {
    key: entity.key,
    labels: entity.labels,
    metricValues: entity.values,
    labeledMetrics: noLabeledMetrics,
    collectionStartTimeMs: entity.startMs,
    entityCreateTimeMs: entity.startMs,
    scrapeTimeMs: entity.scrapeTimeMs,
  };
}

const noLabeledMetrics: readonly LabeledMetric[] = Object.freeze([]);

function toCgroupSample(accumulator: CgroupAccumulator): CgroupSample {
  const cpuTotal = accumulator.cpuTotal ?? accumulator.perCpuSum;
  if (cpuTotal !== undefined) accumulator.values.set(Metrics.cpuUsage.name, intValue(cpuTotal, Metrics.cpuUsage.type));
  const memory = accumulator.values.get(Metrics.memoryUsage.name);
  const live = (cpuTotal ?? 0n) > 0n || (memory !== undefined && memory.value > 0);
  return {
    cgroup: accumulator.cgroup,
    containerId: runtimeIdOfCgroup(accumulator.cgroup),
    identity: accumulator.identity,
    image: accumulator.image,
    startMs: accumulator.startMs,
    scrapeTimeMs: accumulator.scrapeTimeMs,
    values: accumulator.values,
    labeled: [],
    liveness: live ? Liveness.live : Liveness.dead,
  };
}

/** Both label generations: `container`/`pod` (k8s ≥ 1.16) and `container_name`/`pod_name` (before). */
function cadvisorIdentity(labels: Readonly<Record<string, string>>): PodContainerIdentity | undefined {
  const namespace = labels.namespace;
  const podName = labels.pod ?? labels.pod_name;
  if (!namespace || !podName) return undefined;
  return { namespace, podName, podUid: '', containerName: labels.container ?? labels.container_name ?? '' };
}

/**
 * Cumulative cpu seconds as integer nanoseconds. The kubelet prints seconds with at most 9 decimals from an
 * integer ns counter, but a double cannot hold 9 decimals of a large count, so we keep microseconds: exact to
 * the µs for any counter below ~285 years of cpu.
 */
function secondsToNanos(session: DecodeSession, text: string, key: string, what: string): bigint | undefined {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) {
    session.invalid(key, what, text, 'not a finite non-negative number of seconds');
    return undefined;
  }
  const micros = Math.round(seconds * 1e6);
  // 1e308 s is finite but its microseconds are not (BigInt(Infinity) throws); a cpu counter is uint64 nanoseconds.
  if (micros * 1000 > maxCounterNumber) {
    session.invalid(key, what, text, `${outOfRangeReason} nanoseconds`);
    return undefined;
  }
  return BigInt(micros) * 1000n;
}

/** The largest Date (ms since the epoch). */
const maxTimeMs = 8.64e15;
/** uint64 max as a double: the bound of every counter the kubelet prints. */
const maxCounterNumber = 2 ** 64;

/** A byte or count value printed as a float (`1.253376e+07`) as an exact integer. */
function textToInt(session: DecodeSession, text: string, key: string, what: string): bigint | undefined {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    session.invalid(key, what, text, 'not a finite non-negative number');
    return undefined;
  }
  const kind = largeValueKind(value);
  if (kind === 'unlimited') return undefined;
  if (kind === 'out-of-range') {
    session.invalid(key, what, text, outOfRangeReason);
    return undefined;
  }
  return BigInt(Math.round(value));
}
