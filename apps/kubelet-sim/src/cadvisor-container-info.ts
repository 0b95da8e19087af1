/**
 * Builds a kubelet's legacy `/stats/container` answer for one node: a map of cgroup name to cAdvisor v1
 * ContainerInfo (the format Heapster <= 1.2 decoded), shaped like the seed and aws-otel fixtures, with
 * `io.kubernetes.*` labels and `k8s_<container>_<pod>_<ns>_<uid>_<restarts>` aliases. Containers sit at the
 * cgroupfs path `/kubepods/burstable/pod<uid>/<id>`; the `duplicate-cgroup` quirk lists each one twice under the
 * docker pair or the systemd kubepods-slice pair with different creation times, flipping order per request.
 */
import type { SimContainerState, SimPodState } from './cluster-state.js';
import { servedCounter, zombieTimes, type ContainerQuirks, type KubeletPayloadContext } from './kubelet-payload-context.js';
import { hexString } from './seeded-random.js';
import { rfc3339Nanos } from './time-format.js';

/** cAdvisor's StatsRequest as Heapster posts it. */
export interface StatsRequest {
  readonly containerName?: string;
  readonly num_stats?: number;
  readonly start?: string;
  readonly end?: string;
  readonly subcontainers?: boolean;
}

export const SAMPLE_INTERVAL_MS = 10_000;
const MAX_SAMPLES = 60;
/** How much later the second cgroup of a duplicated pair was created (the seed's 20.484 s). */
export const DUPLICATE_CREATION_OFFSET_MS = 20_484;

type Json = Record<string, unknown>;

/** Parses a StatsRequest body; throws naming the problem (the server answers 400). */
export function parseStatsRequest(body: string): StatsRequest {
  if (body.trim() === '') return {};
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('StatsRequest must be a JSON object');
  const req = parsed as Record<string, unknown>;
  for (const key of ['start', 'end'] as const) {
    const v = req[key];
    if (v !== undefined && (typeof v !== 'string' || Number.isNaN(Date.parse(v)))) throw new Error(`StatsRequest.${key} must be an RFC 3339 time, got ${JSON.stringify(v)}`);
  }
  const n = req.num_stats;
  if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 0)) throw new Error(`StatsRequest.num_stats must be a non-negative integer, got ${JSON.stringify(n)}`);
  return req;
}

/** Sample times, oldest first: every 10 s back from the request's end (or now) within its start. */
export function sampleTimes(request: StatsRequest, nowMs: number): number[] {
  const end = Math.min(nowMs, request.end === undefined ? nowMs : Date.parse(request.end));
  const start = request.start === undefined ? undefined : Date.parse(request.start);
  const count = Math.min(MAX_SAMPLES, request.num_stats ?? (start === undefined ? 1 : MAX_SAMPLES));
  const times: number[] = [];
  for (let k = 0; k < count; k += 1) {
    const at = end - k * SAMPLE_INTERVAL_MS;
    if (start !== undefined && at < start) break;
    times.unshift(at);
  }
  return times;
}

function cpuStats(total: number): Json {
  const half = Math.floor(total / 2);
  return {
    usage: { total, per_cpu_usage: [half, total - half], user: Math.floor(total * 0.8), system: Math.floor(total * 0.15) },
    load_average: 0,
  };
}

function sample(timestamp: number, cpuTotal: number, workingSet: number, pgfault: number): Json {
  const cache = Math.floor(workingSet / 16);
  return {
    timestamp: rfc3339Nanos(timestamp),
    cpu: cpuStats(cpuTotal),
    memory: {
      usage: workingSet + cache,
      working_set: workingSet,
      cache,
      rss: Math.floor(workingSet * 0.9),
      failcnt: 0,
      container_data: { pgfault, pgmajfault: 0 },
      hierarchical_data: { pgfault, pgmajfault: 0 },
    },
    network: { name: '', rx_bytes: 0, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 },
    task_stats: { nr_sleeping: 0, nr_running: 0, nr_stopped: 0, nr_uninterruptible: 0, nr_io_wait: 0 },
  };
}

export function buildContainerInfoMap(ctx: KubeletPayloadContext, request: StatsRequest): Record<string, Json> {
  const { state, node } = ctx;
  const times = sampleTimes(request, ctx.tMs);
  const out: Record<string, Json> = {};
  out['/'] = {
    id: '/',
    name: '/',
    spec: {
      creation_time: rfc3339Nanos(node.bootMs),
      labels: {},
      has_cpu: true,
      cpu: { limit: 1024, max_limit: 0, mask: `0-${node.cpuCapacityMillicores / 1000 - 1}` },
      has_memory: true,
      memory: { limit: node.memoryCapacityBytes },
      has_network: true,
      has_filesystem: false,
      has_diskio: true,
      has_custom_metrics: false,
    },
    stats: times.map((t) => sample(t, state.nodeCounterCoreNs(node, t), state.nodeWorkingSetBytes(node, t), Math.floor((t - node.bootMs) / 1000) * 200)),
  };
  for (const pod of node.pods.values()) {
    for (const c of pod.containers) {
      const current = c.instances[c.instances.length - 1];
      if (!current || current.startMs > ctx.tMs) continue;
      const quirks = ctx.containerQuirks(pod, c);
      const stats = times
        .filter((t) => t >= current.startMs)
        .map((t) => sample(t, servedCounter(ctx, quirks, state.containerCounterCoreNs(pod, c, t)), state.containerWorkingSetBytes(pod, c, t), 1000 + Math.floor((t - current.startMs) / 1000) * 7));
      if (quirks.zombie) addZombie(out, ctx, pod, c);
      for (const [name, creationMs] of cgroupNames(ctx, pod, quirks, current.containerId, current.startMs)) {
        out[name] = containerInfo(pod, c, name, current.containerId, creationMs, stats);
      }
    }
  }
  return out;
}

function cgroupNames(ctx: KubeletPayloadContext, pod: SimPodState, quirks: ContainerQuirks, id: string, startMs: number): [string, number][] {
  const later = startMs + DUPLICATE_CREATION_OFFSET_MS;
  let pair: [string, number][];
  switch (quirks.duplicate) {
    case undefined:
      return [[`/kubepods/burstable/pod${pod.uid}/${id}`, startMs]];
    case 'docker':
      pair = [
        [`/system.slice/docker.service/docker/${id}`, startMs],
        [`/docker/${id}`, later],
      ];
      break;
    case 'kubepods-slice':
      pair = [
        [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod.uid.replace(/-/g, '_')}.slice/docker-${id}.scope`, startMs],
        [`/system.slice/docker-${id}.scope`, later],
      ];
      break;
  }
  return ctx.requestIndex % 2 === 0 ? pair : [pair[1]!, pair[0]!];
}

function containerInfo(pod: SimPodState, c: SimContainerState, name: string, id: string, creationMs: number, stats: Json[]): Json {
  const restarts = c.instances.length - 1;
  return {
    id,
    name,
    aliases: [`k8s_${c.name}_${pod.name}_${pod.namespace}_${pod.uid}_${restarts}`, id],
    namespace: 'docker',
    spec: {
      creation_time: rfc3339Nanos(creationMs),
      labels: {
        'io.kubernetes.container.name': c.name,
        'io.kubernetes.container.restartCount': String(restarts),
        'io.kubernetes.pod.name': pod.name,
        'io.kubernetes.pod.namespace': pod.namespace,
        'io.kubernetes.pod.uid': pod.uid,
      },
      has_cpu: true,
      cpu: { limit: Math.max(2, Math.floor((c.cpuRequestMillicores * 1024) / 1000)), max_limit: 0, mask: '0-15' },
      has_memory: true,
      memory: { limit: c.memoryLimitBytes },
      has_network: false,
      has_filesystem: false,
      has_diskio: true,
      has_custom_metrics: false,
      image: c.image,
    },
    stats,
  };
}

/** `zombie-container`: the exited previous run, same labels, older creation time, frozen last sample. */
function addZombie(out: Record<string, Json>, ctx: KubeletPayloadContext, pod: SimPodState, c: SimContainerState): void {
  const { startMs, endMs } = zombieTimes(c);
  const id = hexString(64, ctx.state.shape.seed, pod.uid, c.name, 'zombie');
  const frozen = c.workload.params.cpuBaseMillicores * 1000 * (endMs - startMs);
  out[`/kubepods/burstable/pod${pod.uid}/${id}`] = containerInfo(pod, c, `/kubepods/burstable/pod${pod.uid}/${id}`, id, startMs, [sample(endMs, frozen, 4096, 120)]);
}
