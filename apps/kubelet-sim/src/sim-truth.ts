/**
 * The simulator's truth: the real usage behind what the kubelets serve, queryable by tests that compare
 * kubestats' answers with it. CPU is the exact average over an interval (the integral of the modelled rate, so
 * a rate computed from two served counters matches it to float precision); memory is the working set at an
 * instant. Quirks never change the truth. Deleted pods stay queryable for intervals they were alive in.
 */
import { CORE_NS_PER_MILLICORE_MS, type CpuProfile } from './container-workload.js';
import type { ClusterState, SimContainerState, SimPodState } from './cluster-state.js';

export interface SimPodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: string;
  readonly containers: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly startMs: number;
}

export interface SimNodeInfo {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly bootMs: number;
  readonly cpuCapacityMillicores: number;
  readonly memoryCapacityBytes: number;
}

export interface SimContainerInfo {
  readonly name: string;
  readonly cpuProfile: CpuProfile;
  /** Current instance's start (whole seconds), as served in startTime / startedAt. */
  readonly startMs: number;
  readonly restartCount: number;
  readonly containerId: string;
  readonly cpuRequestMillicores: number;
  readonly cpuLimitMillicores: number;
  readonly memoryRequestBytes: number;
  readonly memoryLimitBytes: number;
}

export interface SimTruth {
  /** Exact average CPU in millicores over [fromMs, toMs] (0 while the container did not exist). */
  containerCpuMillicores(namespace: string, pod: string, container: string, fromMs: number, toMs: number): number;
  podCpuMillicores(namespace: string, pod: string, fromMs: number, toMs: number): number;
  /** Pods that ran on the node in the interval plus the node's system overhead. */
  nodeCpuMillicores(node: string, fromMs: number, toMs: number): number;
  /** The cumulative counter a kubelet serves at t (since the instance running at t started), without quirks. */
  containerCpuUsageCoreNanoSeconds(namespace: string, pod: string, container: string, atMs: number): number;
  containerMemoryWorkingSetBytes(namespace: string, pod: string, container: string, atMs: number): number;
  podMemoryWorkingSetBytes(namespace: string, pod: string, atMs: number): number;
  nodeMemoryWorkingSetBytes(node: string, atMs: number): number;
  container(namespace: string, pod: string, container: string): SimContainerInfo;
  /** Live pods in the order kubelets serve them. */
  listPods(): SimPodInfo[];
  listNodes(): SimNodeInfo[];
  listNamespaces(): string[];
}

function averageMillicores(coreNs: number, fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) throw new Error(`kubelet-sim truth: empty interval [${fromMs}, ${toMs}]`);
  return coreNs / (CORE_NS_PER_MILLICORE_MS * (toMs - fromMs));
}

function containerCoreNs(pod: SimPodState, c: SimContainerState, fromMs: number, toMs: number): number {
  const start = Math.max(fromMs, c.originMs);
  const end = Math.min(toMs, pod.deletedMs ?? toMs);
  return end > start ? c.workload.cpuCoreNs(start, end) : 0;
}

export function createSimTruth(state: ClusterState, host: string): SimTruth {
  return {
    containerCpuMillicores(namespace, pod, container, fromMs, toMs) {
      return averageMillicores(containerCoreNs(state.pod(namespace, pod), state.container(namespace, pod, container), fromMs, toMs), fromMs, toMs);
    },
    podCpuMillicores(namespace, pod, fromMs, toMs) {
      const p = state.pod(namespace, pod);
      let sum = 0;
      for (const c of p.containers) sum += containerCoreNs(p, c, fromMs, toMs);
      return averageMillicores(sum, fromMs, toMs);
    },
    nodeCpuMillicores(node, fromMs, toMs) {
      const n = state.node(node);
      let sum = n.overheadCpuMillicores * CORE_NS_PER_MILLICORE_MS * (toMs - fromMs);
      for (const p of n.history) for (const c of p.containers) sum += containerCoreNs(p, c, fromMs, toMs);
      return averageMillicores(sum, fromMs, toMs);
    },
    containerCpuUsageCoreNanoSeconds(namespace, pod, container, atMs) {
      return state.containerCounterCoreNs(state.pod(namespace, pod), state.container(namespace, pod, container), atMs);
    },
    containerMemoryWorkingSetBytes(namespace, pod, container, atMs) {
      return state.containerWorkingSetBytes(state.pod(namespace, pod), state.container(namespace, pod, container), atMs);
    },
    podMemoryWorkingSetBytes(namespace, pod, atMs) {
      return state.podWorkingSetBytes(state.pod(namespace, pod), atMs);
    },
    nodeMemoryWorkingSetBytes(node, atMs) {
      return state.nodeWorkingSetBytes(state.node(node), atMs);
    },
    container(namespace, pod, container) {
      const c = state.container(namespace, pod, container);
      const current = c.instances[c.instances.length - 1];
      return {
        name: c.name,
        cpuProfile: c.workload.params.cpuProfile,
        startMs: current?.startMs ?? c.originMs,
        restartCount: c.instances.length - 1,
        containerId: current?.containerId ?? '',
        cpuRequestMillicores: c.cpuRequestMillicores,
        cpuLimitMillicores: c.cpuLimitMillicores,
        memoryRequestBytes: c.memoryRequestBytes,
        memoryLimitBytes: c.memoryLimitBytes,
      };
    },
    listPods() {
      return state.livePods().map((p) => ({
        namespace: p.namespace,
        name: p.name,
        uid: p.uid,
        node: p.nodeName,
        containers: p.containers.map((c) => c.name),
        labels: p.labels,
        startMs: p.startMs,
      }));
    },
    listNodes() {
      return state.nodes.map((n) => ({
        name: n.name,
        host,
        port: n.kubeletPort,
        bootMs: n.bootMs,
        cpuCapacityMillicores: n.cpuCapacityMillicores,
        memoryCapacityBytes: n.memoryCapacityBytes,
      }));
    },
    listNamespaces() {
      return state.namespaces.map((n) => n.name);
    },
  };
}
