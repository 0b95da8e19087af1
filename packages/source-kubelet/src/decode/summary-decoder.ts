/**
 * Decoder for the kubelet's `GET /stats/summary` (statsapi.Summary, k8s 1.5 to 1.35, Linux and Windows) into
 * Heapster's node, system-container, pod and pod-container sets. Reads only the fields it emits; every missing
 * field stays absent (Windows reports memory as working set only; 2017 kubelets have no pod cpu/memory).
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
  systemContainerKey,
  systemContainerLabelsOf,
  type LabeledMetric,
  type MetricDescriptor,
  type MetricSet,
  type PodLabelValues,
} from '@kubestats/core';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { missingField } from './decode-error.js';
import { DecodeSession, pushLabeledInt, resourceLabels, setInt, SharedLabeledInts, type MetricValues } from './decode-session.js';
import { parseJsonBody } from './json-body.js';
import { optionalArray, optionalObject, optionalString, requireObject, type JsonObject } from './json-shape.js';
import { kubeletUsageNanoCoresMetric, logsResourceId, rootResourceId, volumeResourcePrefix } from './summary-names.js';

/** Heapster's legacy names for the summary's system containers; others keep their own name. */
const systemContainerNames: Readonly<Record<string, string>> = { runtime: 'docker-daemon', misc: 'system' };

export function decodeSummary(body: string, context: DecodeContext): DecodeResult {
  const root = requireObject(parseJsonBody(body), () => 'summary');
  const node = optionalObject(root, 'node', () => 'summary');
  if (node === undefined) throw missingField('summary.node');
  const session = new DecodeSession(context);
  decodeNode(session, node);

  // Pods (with their containers) keyed by pod key, so a pod listed twice is resolved rather than overwritten.
  const pods = new Map<string, PodEntry>();
  optionalArray(root, 'pods', () => 'summary').forEach((pod, index) => {
    const entry = decodePod(session, requireObject(pod, () => `summary.pods[${index}]`), index);
    const previous = pods.get(entry.pod.key);
    if (previous === undefined) {
      pods.set(entry.pod.key, entry);
      return;
    }
    const [kept, dropped] = entry.pod.collectionStartTimeMs > previous.pod.collectionStartTimeMs ? [entry, previous] : [previous, entry];
    pods.set(entry.pod.key, kept);
    session.diagnose(
      entry.pod.key,
      'dedupe',
      'duplicate-container-resolved',
      `pod listed twice: kept uid ${kept.uid} (started ${isoOrUnknown(kept.pod.collectionStartTimeMs)}), dropped uid ${dropped.uid} (started ${isoOrUnknown(dropped.pod.collectionStartTimeMs)}); the newer start wins`,
    );
  });
  for (const entry of pods.values()) {
    session.metricSets.push(entry.pod);
    for (const container of entry.containers.values()) session.metricSets.push(container);
  }
  return session.result();
}

function decodeNode(session: DecodeSession, node: JsonObject): void {
  const path = (): string => 'summary.node';
  const key = nodeKey(session.context.nodeName);
  const values: MetricValues = new Map();
  const labeled: LabeledMetric[] = [];
  const startMs = session.readTimeMs(node.startTime, key, 'node.startTime');
  const cpu = optionalObject(node, 'cpu', path);
  const memory = optionalObject(node, 'memory', path);
  const network = optionalObject(node, 'network', path);
  const fs = optionalObject(node, 'fs', path);
  session.addUptime(values, startMs, key);
  decodeCpu(session, values, cpu, key);
  decodeMemory(session, values, memory, key);
  decodeNetwork(session, values, network, key, () => `${path()}.network`);
  if (fs !== undefined) {
    // An absent or invalid used value is read again, as before this reuse, so an invalid one is reported twice still.
    const used = decodeFs(session, labeled, rootFsInts, fs, key, 'node.fs');
    setInt(values, Metrics.ephemeralStorageUsage, used ?? session.readInt(fs.usedBytes, key, 'node.fs.usedBytes'));
  }
  session.metricSets.push({
    key,
    labels: nodeLabelsOf(session.context),
    metricValues: values,
    labeledMetrics: labeled,
    collectionStartTimeMs: startMs,
    entityCreateTimeMs: startMs,
    scrapeTimeMs: scrapeTimeMs(session, key, cpu, memory, network),
  });

  const seen = new Set<string>();
  optionalArray(node, 'systemContainers', path).forEach((raw, index) => {
    const containerPath = (): string => `${path()}.systemContainers[${index}]`;
    const container = requireObject(raw, containerPath);
    const summaryName = optionalString(container, 'name', containerPath);
    if (summaryName === undefined) throw missingField(`${containerPath()}.name`);
    const name = systemContainerNames[summaryName] ?? summaryName;
    const sysKey = systemContainerKey(session.context.nodeName, name);
    if (seen.has(sysKey)) return; // a kubelet lists each system container once; a repeat carries nothing new
    seen.add(sysKey);
    const labels = systemContainerLabelsOf(session.context, name);
    session.metricSets.push(decodeContainer(session, container, sysKey, labels, containerPath));
  });
}

interface PodEntry {
  readonly uid: string;
  readonly pod: MetricSet;
  readonly containers: Map<string, MetricSet>;
}

function decodePod(session: DecodeSession, pod: JsonObject, index: number): PodEntry {
  const path = (): string => `summary.pods[${index}]`;
  const ref = optionalObject(pod, 'podRef', path);
  if (ref === undefined) throw missingField(`${path()}.podRef`);
  const refPath = (): string => `${path()}.podRef`;
  const name = optionalString(ref, 'name', refPath);
  const namespace = optionalString(ref, 'namespace', refPath);
  if (name === undefined) throw missingField(`${refPath()}.name`);
  if (namespace === undefined) throw missingField(`${refPath()}.namespace`);
  const uid = optionalString(ref, 'uid', refPath) ?? '';
  const key = podKey(namespace, name);

  const podLabelValues: PodLabelValues = { podName: name, namespace, podId: uid };
  const values: MetricValues = new Map();
  const labeled: LabeledMetric[] = [];
  const startMs = session.readTimeMs(pod.startTime, key, 'pod.startTime');
  const cpu = optionalObject(pod, 'cpu', path);
  const memory = optionalObject(pod, 'memory', path);
  const network = optionalObject(pod, 'network', path);
  session.addUptime(values, startMs, key);
  decodeCpu(session, values, cpu, key);
  decodeMemory(session, values, memory, key);
  decodeNetwork(session, values, network, key, () => `${path()}.network`);
  const ephemeral = optionalObject(pod, 'ephemeral-storage', path);
  if (ephemeral !== undefined) {
    setInt(values, Metrics.ephemeralStorageUsage, session.readInt(ephemeral.usedBytes, key, 'pod.ephemeral-storage.usedBytes'));
  }
  optionalArray(pod, 'volume', path).forEach((raw, volumeIndex) => {
    const volumePath = (): string => `${path()}.volume[${volumeIndex}]`;
    const volume = requireObject(raw, volumePath);
    const volumeName = optionalString(volume, 'name', volumePath);
    if (volumeName !== undefined) decodeFs(session, labeled, volumeLabels(volumeName), volume, key, `volume ${volumeName}`);
  });
  const podSet: MetricSet = {
    key,
    labels: podLabelsOf(session.context, podLabelValues),
    metricValues: values,
    labeledMetrics: labeled,
    collectionStartTimeMs: startMs,
    entityCreateTimeMs: startMs,
    scrapeTimeMs: scrapeTimeMs(session, key, cpu, memory, network),
  };

  const containers = new Map<string, MetricSet>();
  optionalArray(pod, 'containers', path).forEach((raw, containerIndex) => {
    const containerPath = (): string => `${path()}.containers[${containerIndex}]`;
    const container = requireObject(raw, containerPath);
    const containerName = optionalString(container, 'name', containerPath);
    if (containerName === undefined) throw missingField(`${containerPath()}.name`);
    const containerKey = podContainerKey(namespace, name, containerName);
    const labels = podContainerLabelsOf(session.context, podLabelValues, containerName);
    const set = decodeContainer(session, container, containerKey, labels, containerPath);
    const previous = containers.get(containerName);
    if (previous === undefined) {
      containers.set(containerName, set);
      return;
    }
    const keepNew = newerContainer(set, previous);
    const [kept, dropped] = keepNew ? [set, previous] : [previous, set];
    containers.set(containerName, kept);
    session.diagnose(
      containerKey,
      'dedupe',
      'duplicate-container-resolved',
      `container listed twice in the pod: kept the one started ${isoOrUnknown(kept.collectionStartTimeMs)} (cpu/usage ${cpuOf(kept)}), dropped the one started ${isoOrUnknown(dropped.collectionStartTimeMs)} (cpu/usage ${cpuOf(dropped)}); rule: newer start, then higher cpu/usage, then the larger values`,
    );
  });
  return { uid, pod: podSet, containers };
}

/** Whether `candidate` replaces `current`: newer start time, then higher cumulative cpu; full ties keep `current`. */
function newerContainer(candidate: MetricSet, current: MetricSet): boolean {
  if (candidate.collectionStartTimeMs !== current.collectionStartTimeMs) {
    return candidate.collectionStartTimeMs > current.collectionStartTimeMs;
  }
  const candidateCpu = candidate.metricValues.get(Metrics.cpuUsage.name);
  const currentCpu = current.metricValues.get(Metrics.cpuUsage.name);
  if (candidateCpu?.kind === 'int' && currentCpu?.kind === 'int' && candidateCpu.value !== currentCpu.value) {
    return candidateCpu.value > currentCpu.value;
  }
  if ((candidateCpu === undefined) !== (currentCpu === undefined)) return candidateCpu !== undefined;
  // Same start and counter: the copies differ at most in other values. Comparing their content (not their place
  // in the payload) keeps the choice the same whatever order the kubelet lists them in.
  return canonicalValues(candidate) > canonicalValues(current);
}

function canonicalValues(set: MetricSet): string {
  return [...set.metricValues]
    .map(([name, value]) => `${name}=${String(value.value)}`)
    .sort()
    .join(',');
}

function cpuOf(set: MetricSet): string {
  const value = set.metricValues.get(Metrics.cpuUsage.name);
  return value === undefined ? 'absent' : String(value.value);
}

function isoOrUnknown(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString() : 'unknown';
}

function decodeContainer(
  session: DecodeSession,
  container: JsonObject,
  key: string,
  labels: Readonly<Record<string, string>>,
  path: () => string,
): MetricSet {
  const values: MetricValues = new Map();
  const labeled: LabeledMetric[] = [];
  const startMs = session.readTimeMs(container.startTime, key, 'startTime');
  const cpu = optionalObject(container, 'cpu', path);
  const memory = optionalObject(container, 'memory', path);
  session.addUptime(values, startMs, key);
  decodeCpu(session, values, cpu, key);
  decodeMemory(session, values, memory, key);
  const rootfs = optionalObject(container, 'rootfs', path);
  const logs = optionalObject(container, 'logs', path);
  const rootfsUsed = rootfs === undefined ? undefined : decodeFs(session, labeled, rootFsInts, rootfs, key, 'rootfs');
  const logsUsed = logs === undefined ? undefined : decodeFs(session, labeled, logsFsInts, logs, key, 'logs');
  // The kubelet's container ephemeral storage is writable layer + logs; without the layer there is no usage. The
  // used values decodeFs read are reused; an absent or invalid one is read again (so it is reported again, as ever).
  const layerUsed = rootfsUsed ?? (rootfs === undefined ? undefined : session.readInt(rootfs.usedBytes, key, 'rootfs.usedBytes'));
  if (layerUsed !== undefined) {
    const logsUsedAgain = logsUsed ?? (logs === undefined ? undefined : session.readInt(logs.usedBytes, key, 'logs.usedBytes'));
    setInt(values, Metrics.ephemeralStorageUsage, layerUsed + (logsUsedAgain ?? 0n));
  }
  return {
    key,
    labels,
    metricValues: values,
    labeledMetrics: labeled,
    collectionStartTimeMs: startMs,
    entityCreateTimeMs: startMs,
    scrapeTimeMs: scrapeTimeMs(session, key, cpu, memory, undefined),
  };
}

function decodeCpu(session: DecodeSession, values: MetricValues, cpu: JsonObject | undefined, key: string): void {
  if (cpu === undefined) return;
  setInt(values, Metrics.cpuUsage, session.readInt(cpu.usageCoreNanoSeconds, key, 'cpu.usageCoreNanoSeconds'));
  const nanoCores = session.readInt(cpu.usageNanoCores, key, 'cpu.usageNanoCores');
  if (nanoCores !== undefined) values.set(kubeletUsageNanoCoresMetric, intValue(nanoCores, 'gauge'));
}

function decodeMemory(session: DecodeSession, values: MetricValues, memory: JsonObject | undefined, key: string): void {
  if (memory === undefined) return;
  setInt(values, Metrics.memoryUsage, session.readInt(memory.usageBytes, key, 'memory.usageBytes'));
  setInt(values, Metrics.memoryWorkingSet, session.readInt(memory.workingSetBytes, key, 'memory.workingSetBytes'));
  setInt(values, Metrics.memoryRss, session.readInt(memory.rssBytes, key, 'memory.rssBytes'));
  setInt(values, Metrics.memoryPageFaults, session.readInt(memory.pageFaults, key, 'memory.pageFaults'));
  setInt(values, Metrics.memoryMajorPageFaults, session.readInt(memory.majorPageFaults, key, 'memory.majorPageFaults'));
}

const networkFields = [
  [Metrics.networkRx, 'rxBytes'],
  [Metrics.networkTx, 'txBytes'],
  [Metrics.networkRxErrors, 'rxErrors'],
  [Metrics.networkTxErrors, 'txErrors'],
] as const;

/** All interfaces summed (pods and nodes have several: eth0 + tunnels); the top-level default interface otherwise. */
function decodeNetwork(
  session: DecodeSession,
  values: MetricValues,
  network: JsonObject | undefined,
  key: string,
  path: () => string,
): void {
  if (network === undefined) return;
  const interfaces = optionalArray(network, 'interfaces', path);
  if (interfaces.length === 0) {
    for (const [descriptor, field] of networkFields) setInt(values, descriptor, session.readInt(network[field], key, 'network', field));
    return;
  }
  const objects = interfaces.map((raw, index) => requireObject(raw, () => `${path()}.interfaces[${index}]`));
  for (const [descriptor, field] of networkFields) {
    let sum: bigint | undefined;
    for (const item of objects) {
      const value = session.readInt(item[field], key, 'network.interfaces', field);
      if (value !== undefined) sum = (sum ?? 0n) + value;
    }
    setInt(values, descriptor, sum);
  }
}

/**
 * The node's and every container's `/` and `logs` filesystems: the metrics are shared between sets, as nearly all
 * repeat the node's disk (capacity, available bytes, inodes) from container to container.
 */
const rootFsInts = new SharedLabeledInts(resourceLabels(rootResourceId));
const logsFsInts = new SharedLabeledInts(resourceLabels(logsResourceId));

/**
 * The five filesystem metrics under one `resource_id`: shared ones for `/` and `logs`, plain ones under a volume's
 * labels (one per pod: nothing to share). Returns the used bytes it read, when valid.
 */
function decodeFs(
  session: DecodeSession,
  labeled: LabeledMetric[],
  target: SharedLabeledInts | Readonly<Record<string, string>>,
  fs: JsonObject,
  key: string,
  what: string,
): bigint | undefined {
  const used = session.readInt(fs.usedBytes, key, what, 'usedBytes');
  pushFsInt(labeled, target, Metrics.filesystemUsage, used);
  pushFsInt(labeled, target, Metrics.filesystemLimit, session.readInt(fs.capacityBytes, key, what, 'capacityBytes'));
  pushFsInt(labeled, target, Metrics.filesystemAvailable, session.readInt(fs.availableBytes, key, what, 'availableBytes'));
  pushFsInt(labeled, target, Metrics.filesystemInodes, session.readInt(fs.inodes, key, what, 'inodes'));
  pushFsInt(labeled, target, Metrics.filesystemInodesFree, session.readInt(fs.inodesFree, key, what, 'inodesFree'));
  return used;
}

function pushFsInt(
  labeled: LabeledMetric[],
  target: SharedLabeledInts | Readonly<Record<string, string>>,
  descriptor: MetricDescriptor,
  value: bigint | undefined,
): void {
  if (target instanceof SharedLabeledInts) target.push(labeled, descriptor, value);
  else pushLabeledInt(labeled, descriptor, target, value);
}

/**
 * `resource_id=Volume:<name>` labels, the same object every cycle (a sink comparing labels finds them identical at
 * once). Keyed by the volume name, so a lookup joins no string; bounded like resourceLabels.
 */
const volumeLabelCache = new Map<string, Readonly<Record<string, string>>>();

function volumeLabels(volumeName: string): Readonly<Record<string, string>> {
  let labels = volumeLabelCache.get(volumeName);
  if (labels === undefined) {
    labels = resourceLabels(`${volumeResourcePrefix}${volumeName}`);
    if (volumeLabelCache.size < 10_000) volumeLabelCache.set(volumeName, labels);
  }
  return labels;
}

/** Heapster's rule: the first non-zero sample time of cpu, memory, network. */
function scrapeTimeMs(
  session: DecodeSession,
  key: string,
  cpu: JsonObject | undefined,
  memory: JsonObject | undefined,
  network: JsonObject | undefined,
): number {
  const cpuMs = cpu === undefined ? 0 : session.readTimeMs(cpu.time, key, 'time');
  if (cpuMs > 0) return cpuMs;
  const memoryMs = memory === undefined ? 0 : session.readTimeMs(memory.time, key, 'time');
  if (memoryMs > 0) return memoryMs;
  return network === undefined ? 0 : session.readTimeMs(network.time, key, 'time');
}
