/**
 * Builds a kubelet's `/stats/summary` (statsapi.Summary) for one node, shaped like the nri-kubernetes 1.28
 * fixture: node with systemContainers, network, fs, runtime, rlimit and swap; pods with podRef, containers,
 * pod-level cpu/memory, network, volumes, ephemeral-storage and process_stats. Times are whole seconds (the
 * Summary API's metav1.Time), so the payload is built at the request time truncated to the second and every
 * counter is exact at the time it carries. `only_cpu_and_memory` gives metrics-server's reduced form.
 */
import type { SimContainerState, SimPodState } from './cluster-state.js';
import { servedCounter, zombieTimes, type KubeletPayloadContext } from './kubelet-payload-context.js';
import { hash32, nameSuffix } from './seeded-random.js';
import { rfc3339Seconds } from './time-format.js';

const NODE_FS_CAPACITY = 105_089_261_568;
const NODE_FS_AVAILABLE = 80_224_137_216;
const NODE_INODES = 6_553_600;
const NANOCORES_PER_MILLICORE = 1_000_000;

export interface SummaryOptions {
  readonly onlyCpuAndMemory: boolean;
}

type Json = Record<string, unknown>;

function fsStats(time: string, usedBytes: number, inodesUsed: number): Json {
  return {
    time,
    availableBytes: NODE_FS_AVAILABLE,
    capacityBytes: NODE_FS_CAPACITY,
    usedBytes,
    inodesFree: NODE_INODES - inodesUsed,
    inodes: NODE_INODES,
    inodesUsed,
  };
}

function memoryStats(time: string, workingSetBytes: number, limitBytes: number | undefined, pageFaults: number): Json {
  const out: Json = { time };
  if (limitBytes !== undefined) out.availableBytes = Math.max(0, limitBytes - workingSetBytes);
  out.usageBytes = workingSetBytes + Math.floor(workingSetBytes / 16);
  out.workingSetBytes = workingSetBytes;
  out.rssBytes = Math.floor(workingSetBytes * 0.9);
  out.pageFaults = pageFaults;
  out.majorPageFaults = 0;
  return out;
}

function networkStats(time: string, key: number, sinceMs: number, tMs: number): Json {
  const seconds = Math.max(0, tMs - sinceMs) / 1000;
  const rxBytes = Math.floor(seconds * (1000 + (key % 50_000)));
  const txBytes = Math.floor(seconds * (500 + ((key >>> 8) % 20_000)));
  const iface = { name: 'eth0', rxBytes, rxErrors: 0, txBytes, txErrors: 0 };
  return { time, ...iface, interfaces: [iface] };
}

export function buildSummary(ctx: KubeletPayloadContext, options: SummaryOptions): Json {
  const { state, node } = ctx;
  const t = Math.floor(ctx.tMs / 1000) * 1000;
  const time = rfc3339Seconds(t);
  const only = options.onlyCpuAndMemory;
  const seed = state.shape.seed;

  const pods: Json[] = [];
  let podsRateMillicores = 0;
  let podsWorkingSet = 0;
  for (const pod of node.pods.values()) {
    if (t < pod.startMs) continue;
    const entry = podSummary(ctx, pod, t, time, only);
    podsRateMillicores += entry.rateMillicores;
    podsWorkingSet += entry.workingSetBytes;
    pods.push(entry.json);
  }

  const overheadRate = node.overheadCpuMillicores;
  const nodeWorkingSet = state.nodeWorkingSetBytes(node, t);
  const nodeCpu = {
    time,
    usageNanoCores: (overheadRate + podsRateMillicores) * NANOCORES_PER_MILLICORE,
    usageCoreNanoSeconds: state.nodeCounterCoreNs(node, t),
  };
  const uptimeS = Math.floor((t - node.bootMs) / 1000);
  const systemContainer = (name: string, share: number, memoryBytes: number): Json => {
    const rate = Math.floor(overheadRate * share);
    const out: Json = {
      name,
      startTime: rfc3339Seconds(node.bootMs + 5000),
      cpu: { time, usageNanoCores: rate * NANOCORES_PER_MILLICORE, usageCoreNanoSeconds: rate * 1000 * (t - node.bootMs - 5000) },
      memory: memoryStats(time, memoryBytes, undefined, uptimeS * 3),
    };
    if (!only) out.swap = { time, swapUsageBytes: 0 };
    return out;
  };
  const podsContainer: Json = {
    name: 'pods',
    startTime: rfc3339Seconds(node.bootMs + 5000),
    cpu: { time, usageNanoCores: podsRateMillicores * NANOCORES_PER_MILLICORE, usageCoreNanoSeconds: state.podsCpuCounterCoreNs(node, t) },
    memory: memoryStats(time, podsWorkingSet, node.memoryCapacityBytes - node.overheadMemoryBytes, uptimeS * 50),
  };
  if (!only) podsContainer.swap = { time, swapUsageBytes: 0 };
  const nodeJson: Json = {
    nodeName: node.name,
    systemContainers: [
      podsContainer,
      systemContainer('kubelet', 0.4, Math.floor(node.overheadMemoryBytes * 0.1)),
      systemContainer('runtime', 0.25, Math.floor(node.overheadMemoryBytes * 0.15)),
    ],
    startTime: rfc3339Seconds(node.bootMs),
    cpu: nodeCpu,
    memory: memoryStats(time, nodeWorkingSet, node.memoryCapacityBytes, uptimeS * 200),
  };
  if (!only) {
    nodeJson.network = networkStats(time, hash32(seed, node.name, 'net'), node.bootMs, t);
    nodeJson.fs = fsStats(time, NODE_FS_CAPACITY - NODE_FS_AVAILABLE, 164_399);
    nodeJson.runtime = { imageFs: fsStats(time, 2_306_519_040, 73_988) };
    nodeJson.rlimit = { time, maxpid: 4_194_304, curproc: 200 + node.pods.size * 12 };
    nodeJson.swap = { time, swapAvailableBytes: 0, swapUsageBytes: 0 };
  }
  return { node: nodeJson, pods };
}

function podSummary(ctx: KubeletPayloadContext, pod: SimPodState, t: number, time: string, only: boolean): { json: Json; rateMillicores: number; workingSetBytes: number } {
  const { state } = ctx;
  const containers: Json[] = [];
  let rate = 0;
  let workingSet = 0;
  let pageFaults = 0;
  let limits = 0;
  for (const c of pod.containers) {
    const inst = state.instanceAt(c, t);
    if (!inst) continue;
    const quirks = ctx.containerQuirks(pod, c);
    const cRate = state.containerRateMillicores(pod, c, t);
    const cWs = state.containerWorkingSetBytes(pod, c, t);
    const cFaults = 1000 + Math.floor((t - inst.startMs) / 1000) * 7;
    rate += cRate;
    workingSet += cWs;
    pageFaults += cFaults;
    limits += c.memoryLimitBytes;
    const live: Json = {
      name: c.name,
      startTime: rfc3339Seconds(inst.startMs),
      cpu: { time, usageNanoCores: cRate * NANOCORES_PER_MILLICORE, usageCoreNanoSeconds: servedCounter(ctx, quirks, state.containerCounterCoreNs(pod, c, t)) },
      memory: memoryStats(time, cWs, c.memoryLimitBytes, cFaults),
    };
    if (!only) Object.assign(live, containerFs(time, c));
    if (quirks.zombie) containers.push(zombieEntry(c, only));
    if (quirks.duplicate !== undefined) {
      // k/k #30939: the same container twice, one copy stale with zeroed stats; which copy comes first flips.
      const stale: Json = {
        name: c.name,
        startTime: rfc3339Seconds(inst.startMs - 30_000),
        cpu: { time, usageNanoCores: 0, usageCoreNanoSeconds: 0 },
        memory: { time, usageBytes: 0, workingSetBytes: 0, rssBytes: 0, pageFaults: 0, majorPageFaults: 0 },
      };
      if (!only) Object.assign(stale, containerFs(time, c));
      if (ctx.requestIndex % 2 === 0) containers.push(live, stale);
      else containers.push(stale, live);
    } else {
      containers.push(live);
    }
  }
  const json: Json = {
    podRef: { name: pod.name, namespace: pod.namespace, uid: pod.uid },
    startTime: rfc3339Seconds(pod.startMs),
    containers,
    cpu: { time, usageNanoCores: rate * NANOCORES_PER_MILLICORE, usageCoreNanoSeconds: state.podCounterCoreNs(pod, t) },
    memory: memoryStats(time, workingSet, limits, pageFaults),
  };
  if (!only) {
    json.network = networkStats(time, hash32(state.shape.seed, pod.uid, 'net'), pod.startMs, t);
    json.volume = [
      {
        time,
        availableBytes: 8_232_603_648,
        capacityBytes: 8_232_615_936,
        usedBytes: 12_288,
        inodesFree: 1_004_949,
        inodes: 1_004_958,
        inodesUsed: 9,
        name: `kube-api-access-${nameSuffix(5, pod.uid)}`,
      },
    ];
    json['ephemeral-storage'] = fsStats(time, 69_632 * pod.containers.length, 19 * pod.containers.length);
    json.process_stats = { process_count: pod.containers.length };
    json.swap = { time, swapUsageBytes: 0 };
  }
  return { json, rateMillicores: rate, workingSetBytes: workingSet };
}

function containerFs(time: string, c: SimContainerState): Json {
  return {
    rootfs: fsStats(time, 32_768 + (c.memoryRequestBytes % 65_536), 9),
    logs: fsStats(time, 4096, 1),
    swap: { time, swapAvailableBytes: 0, swapUsageBytes: 0 },
  };
}

/** `zombie-container`: the terminated previous run, same name, older start, frozen counters. */
function zombieEntry(c: SimContainerState, only: boolean): Json {
  const { startMs, endMs } = zombieTimes(c);
  const endTime = rfc3339Seconds(endMs);
  const out: Json = {
    name: c.name,
    startTime: rfc3339Seconds(startMs),
    cpu: { time: endTime, usageNanoCores: 0, usageCoreNanoSeconds: c.workload.params.cpuBaseMillicores * 1000 * 3_600_000 },
    memory: { time: endTime, usageBytes: 4096, workingSetBytes: 4096, rssBytes: 0, pageFaults: 120, majorPageFaults: 0 },
  };
  if (!only) Object.assign(out, containerFs(endTime, c));
  return out;
}
