/**
 * Decoder for the legacy kubelet `POST /stats/container` body: a cAdvisor v1 ContainerInfo map keyed by cgroup name
 * (the seed's endpoint, Heapster ≤1.2). Also accepts the same objects as cAdvisor's `/api/v1.3/subcontainers` array
 * and a single ContainerInfo (kubelet `/stats/`). Only the last sample per cgroup is used; uint64 "unlimited"
 * values never become numbers.
 */
import { Metrics, type LabeledMetric } from '@kubestats/core';
import { identityFromDocker, runtimeIdOfCgroup } from './cgroup-identity.js';
import { emitCgroupSets, Liveness, type CgroupSample } from './cgroup-metric-sets.js';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { DecodeError } from './decode-error.js';
import { DecodeSession, pushLabeledInt, resourceLabels, setInt, type MetricValues } from './decode-session.js';
import { parseJsonBody } from './json-body.js';
import { isJsonObject, optionalArray, optionalObject, optionalString, requireObject, type JsonObject } from './json-shape.js';

const hexId = /^[0-9a-f]{12,64}$/;

export function decodeContainerStats(body: string, context: DecodeContext): DecodeResult {
  const root = parseJsonBody(body);
  const session = new DecodeSession(context);
  const samples: CgroupSample[] = [];
  const add = (value: unknown, path: () => string, mapKey?: string): void => {
    const sample = decodeContainerInfo(session, requireObject(value, path), path, mapKey);
    if (sample !== undefined) samples.push(sample);
  };
  if (Array.isArray(root)) {
    root.forEach((info, index) => add(info, () => `containers[${index}]`));
  } else if (isJsonObject(root) && typeof root.name === 'string' && isJsonObject(root.spec)) {
    add(root, () => 'container');
  } else if (isJsonObject(root)) {
    for (const [name, info] of Object.entries(root)) add(info, () => `containers[${JSON.stringify(name)}]`, name);
  } else {
    throw new DecodeError(`wrong shape: the body is ${root === null ? 'null' : typeof root}, expected a ContainerInfo map or array`);
  }
  emitCgroupSets(session, samples);
  return session.result();
}

function decodeContainerInfo(
  session: DecodeSession,
  info: JsonObject,
  path: () => string,
  mapKey: string | undefined,
): CgroupSample | undefined {
  const cgroup = optionalString(info, 'name', path) ?? mapKey;
  if (cgroup === undefined) throw new DecodeError(`wrong shape: ${path()}.name is missing`);
  const stats = optionalArray(info, 'stats', path);
  if (stats.length === 0) return undefined; // Heapster skips a cgroup without samples; nothing to report
  const spec = optionalObject(info, 'spec', path) ?? {};
  const specPath = (): string => `${path()}.spec`;
  const key = cgroup; // diagnostics name the cgroup until emitCgroupSets knows the set key

  // The last sample by time (cAdvisor lists oldest first, but order is not promised).
  let last = requireObject(stats[stats.length - 1], () => `${path()}.stats[${stats.length - 1}]`);
  let lastMs = session.readTimeMs(last.timestamp, key, 'stats.timestamp');
  for (let index = stats.length - 2; index >= 0; index--) {
    const sample = requireObject(stats[index], () => `${path()}.stats[${index}]`);
    const ms = session.readTimeMs(sample.timestamp, key, 'stats.timestamp');
    if (ms > lastMs) {
      last = sample;
      lastMs = ms;
    }
  }
  const first = stats.length > 1 && isJsonObject(stats[0]) && stats[0] !== last ? stats[0] : undefined;

  const values: MetricValues = new Map();
  const labeled: LabeledMetric[] = [];
  const samplePath = (): string => `${path()}.stats[last]`;
  const cpu = spec.has_cpu === false ? undefined : optionalObject(last, 'cpu', samplePath);
  const cpuTotal = cpu === undefined ? undefined : readCpuTotal(session, cpu, key, samplePath);
  setInt(values, Metrics.cpuUsage, cpuTotal);
  if (cpu !== undefined) {
    // cAdvisor's load_average is already the smoothed runnable-thread count x 1000 (int32).
    setInt(values, Metrics.cpuLoad, session.readInt(cpu.load_average, key, 'cpu.load_average'));
  }
  let memoryUsage: bigint | undefined;
  const memory = spec.has_memory === false ? undefined : optionalObject(last, 'memory', samplePath);
  if (memory !== undefined) {
    memoryUsage = session.readInt(memory.usage, key, 'memory.usage');
    setInt(values, Metrics.memoryUsage, memoryUsage);
    setInt(values, Metrics.memoryWorkingSet, session.readInt(memory.working_set, key, 'memory.working_set'));
    setInt(values, Metrics.memoryRss, session.readInt(memory.rss, key, 'memory.rss'));
    setInt(values, Metrics.memoryCache, session.readInt(memory.cache, key, 'memory.cache'));
    const containerData = optionalObject(memory, 'container_data', () => `${samplePath()}.memory`);
    if (containerData !== undefined) {
      setInt(values, Metrics.memoryPageFaults, session.readInt(containerData.pgfault, key, 'memory.container_data.pgfault'));
      setInt(values, Metrics.memoryMajorPageFaults, session.readInt(containerData.pgmajfault, key, 'memory.container_data.pgmajfault'));
    }
  }
  const network = spec.has_network === false ? undefined : optionalObject(last, 'network', samplePath);
  if (network !== undefined) decodeNetwork(session, values, network, key, () => `${samplePath()}.network`);
  if (spec.has_filesystem !== false) decodeFilesystems(session, labeled, last, key, samplePath);
  if (spec.has_diskio !== false) decodeDiskIo(session, labeled, last, key, samplePath);

  let liveness: number = (cpuTotal ?? 0n) > 0n || (memoryUsage ?? 0n) > 0n ? Liveness.live : Liveness.dead;
  if (liveness === Liveness.live && first !== undefined && cpuTotal !== undefined) {
    const firstCpu = optionalObject(first, 'cpu', () => `${path()}.stats[0]`);
    const firstTotal = firstCpu === undefined ? undefined : readCpuTotal(session, firstCpu, key, () => `${path()}.stats[0]`);
    if (firstTotal === cpuTotal) liveness = Liveness.frozen;
  }

  const id = optionalString(info, 'id', path);
  const labels = optionalObject(spec, 'labels', specPath);
  return {
    cgroup,
    containerId: id !== undefined && hexId.test(id) ? id : runtimeIdOfCgroup(cgroup),
    identity: cgroup === '/' ? undefined : identityFromDocker(labels, optionalArray(info, 'aliases', path)),
    image: optionalString(spec, 'image', specPath),
    startMs: session.readTimeMs(spec.creation_time, key, 'spec.creation_time'),
    scrapeTimeMs: lastMs,
    values,
    labeled,
    liveness,
  };
}

function readCpuTotal(session: DecodeSession, cpu: JsonObject, key: string, path: () => string): bigint | undefined {
  const usage = optionalObject(cpu, 'usage', () => `${path()}.cpu`);
  return usage === undefined ? undefined : session.readInt(usage.total, key, 'cpu.usage.total');
}

const networkFields = [
  [Metrics.networkRx, 'rx_bytes'],
  [Metrics.networkTx, 'tx_bytes'],
  [Metrics.networkRxErrors, 'rx_errors'],
  [Metrics.networkTxErrors, 'tx_errors'],
] as const;

/** Heapster sums every interface; cAdvisor before `interfaces` existed had only the top-level one. */
function decodeNetwork(session: DecodeSession, values: MetricValues, network: JsonObject, key: string, path: () => string): void {
  const interfaces = optionalArray(network, 'interfaces', path);
  if (interfaces.length === 0) {
    for (const [descriptor, field] of networkFields) setInt(values, descriptor, session.readInt(network[field], key, `network.${field}`));
    return;
  }
  for (const [descriptor, field] of networkFields) {
    let sum: bigint | undefined;
    interfaces.forEach((raw, index) => {
      const item = requireObject(raw, () => `${path()}.interfaces[${index}]`);
      const value = session.readInt(item[field], key, `network.interfaces.${field}`);
      if (value !== undefined) sum = (sum ?? 0n) + value;
    });
    setInt(values, descriptor, sum);
  }
}

function decodeFilesystems(session: DecodeSession, labeled: LabeledMetric[], sample: JsonObject, key: string, path: () => string): void {
  optionalArray(sample, 'filesystem', path).forEach((raw, index) => {
    const fsPath = (): string => `${path()}.filesystem[${index}]`;
    const fs = requireObject(raw, fsPath);
    const device = optionalString(fs, 'device', fsPath);
    if (device === undefined) return;
    const labels = resourceLabels(device);
    pushLabeledInt(labeled, Metrics.filesystemUsage, labels, session.readInt(fs.usage, key, `filesystem ${device} usage`));
    pushLabeledInt(labeled, Metrics.filesystemLimit, labels, session.readInt(fs.capacity, key, `filesystem ${device} capacity`));
    pushLabeledInt(labeled, Metrics.filesystemAvailable, labels, session.readInt(fs.available, key, `filesystem ${device} available`));
    if (fs.has_inodes !== false) {
      pushLabeledInt(labeled, Metrics.filesystemInodes, labels, session.readInt(fs.inodes, key, `filesystem ${device} inodes`));
      pushLabeledInt(labeled, Metrics.filesystemInodesFree, labels, session.readInt(fs.inodes_free, key, `filesystem ${device} inodes_free`));
    }
  });
}

function decodeDiskIo(session: DecodeSession, labeled: LabeledMetric[], sample: JsonObject, key: string, path: () => string): void {
  const diskio = optionalObject(sample, 'diskio', path);
  if (diskio === undefined) return;
  optionalArray(diskio, 'io_service_bytes', () => `${path()}.diskio`).forEach((raw, index) => {
    const devicePath = (): string => `${path()}.diskio.io_service_bytes[${index}]`;
    const entry = requireObject(raw, devicePath);
    const stats = optionalObject(entry, 'stats', devicePath);
    if (stats === undefined) return;
    const device = optionalString(entry, 'device', devicePath) ?? `${String(entry.major)}:${String(entry.minor)}`;
    const labels = resourceLabels(device);
    pushLabeledInt(labeled, Metrics.diskIoReadBytes, labels, session.readInt(stats.Read, key, `diskio ${device} Read`));
    pushLabeledInt(labeled, Metrics.diskIoWriteBytes, labels, session.readInt(stats.Write, key, `diskio ${device} Write`));
  });
}

