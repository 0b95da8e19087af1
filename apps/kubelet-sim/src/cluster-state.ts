/**
 * The simulated cluster's single source of truth: nodes, namespaces, pods and containers with their workload
 * curves and instance (restart) history, plus the resource-version counter the apiserver stamps on objects.
 * Every payload (apiserver objects, kubelet stats) and every truth query reads this state, so they cannot
 * disagree. Mutations (add/delete pod, restart) notify listeners synchronously with the new resource version.
 */
import { CORE_NS_PER_MILLICORE_MS, ContainerWorkload, drawWorkloadParams, type CpuProfile } from './container-workload.js';
import { bigCounterPod, nodeCounterTargetCoreNs, nodeUptimeMs, podAgeMs, type BigCounterPod, type CounterHistory } from './counter-history.js';
import { hash32, hexString, intBetween, nameSuffix, uidFrom } from './seeded-random.js';

export interface ContainerInstance {
  readonly startMs: number;
  readonly containerId: string;
}

export interface SimContainerState {
  readonly name: string;
  readonly image: string;
  readonly workload: ContainerWorkload;
  /** When the container first started (its pod's first instance); whole seconds. */
  readonly originMs: number;
  /** Instances in start order; the last one is running (until the pod is deleted). */
  readonly instances: ContainerInstance[];
  readonly cpuRequestMillicores: number;
  readonly cpuLimitMillicores: number;
  readonly memoryRequestBytes: number;
  readonly memoryLimitBytes: number;
  /** Integral of the rate from the model start to `originMs`, cached for the node and pod counters. */
  readonly originPrefixCoreNs: number;
  currentInstancePrefixCoreNs: number;
}

export interface SimPodState {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ownerName: string;
  readonly createdMs: number;
  readonly startMs: number;
  readonly podIp: string;
  readonly containers: readonly SimContainerState[];
  deletedMs: number | undefined;
  resourceVersion: number;
}

export interface SimNodeState {
  readonly name: string;
  readonly uid: string;
  readonly index: number;
  readonly createdMs: number;
  readonly bootMs: number;
  readonly overheadCpuMillicores: number;
  readonly overheadMemoryBytes: number;
  readonly cpuCapacityMillicores: number;
  readonly memoryCapacityBytes: number;
  kubeletPort: number;
  /** Live pods, keyed `namespace/name`. */
  readonly pods: Map<string, SimPodState>;
  /** Every pod ever placed here, deleted ones included (truth over past intervals). */
  readonly history: SimPodState[];
  /** CPU of deleted pods' containers, so the node counter stays monotonic after a deletion. */
  retiredCoreNs: number;
  resourceVersion: number;
}

export interface SimNamespaceState {
  readonly name: string;
  readonly uid: string;
  readonly createdMs: number;
  readonly resourceVersion: number;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type ChangeEvent =
  | { readonly type: ChangeType; readonly resource: 'pods'; readonly pod: SimPodState }
  | { readonly type: ChangeType; readonly resource: 'nodes'; readonly node: SimNodeState }
  | { readonly type: ChangeType; readonly resource: 'namespaces'; readonly namespace: SimNamespaceState };

export interface AddPodSpec {
  readonly namespace: string;
  /** Default: a generated `app-<n>-<hash>-<suffix>` name. */
  readonly name?: string;
  /** Default: a node chosen from the seed. */
  readonly node?: string;
  /** Default: the cluster's containersPerPod. */
  readonly containers?: number;
  readonly labels?: Readonly<Record<string, string>>;
  /** Force every container's CPU profile (default: drawn from the seed). */
  readonly cpuProfile?: CpuProfile;
}

export interface ClusterShape {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly containersPerPod: number;
  readonly namespaces: number;
  readonly seed: number;
  /** How much CPU history the counters start with (default: small). */
  readonly counters?: CounterHistory;
}

const SMALL_COUNTERS: CounterHistory = { start: 'small', bigCounterFraction: 0 };

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function podKeyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class ClusterState {
  readonly shape: ClusterShape;
  readonly startMs: number;
  readonly nodes: SimNodeState[] = [];
  readonly nodesByName = new Map<string, SimNodeState>();
  readonly namespaces: SimNamespaceState[] = [];
  /** Latest pod of each `namespace/name`, deleted or not (truth lookups). */
  readonly podsByKey = new Map<string, SimPodState>();
  /** Bumped on every mutation; payload caches key on it. */
  generation = 0;
  private resourceVersion = 0;
  private podCounter = 0;
  private readonly listeners: ((event: ChangeEvent) => void)[] = [];

  constructor(shape: ClusterShape, startMs: number) {
    this.shape = shape;
    this.startMs = floorToSecond(startMs);
    const seed = shape.seed;
    const counters = shape.counters ?? SMALL_COUNTERS;
    const nsNames = ['default', ...Array.from({ length: Math.max(0, shape.namespaces - 1) }, (_, i) => `team-${i + 1}`)];
    for (const name of nsNames) {
      this.namespaces.push({ name, uid: uidFrom(seed, 'namespace', name), createdMs: this.startMs - 7 * 86_400_000, resourceVersion: this.nextResourceVersion() });
    }
    for (let i = 0; i < shape.nodes; i += 1) {
      const name = `node-${i}`;
      const node: SimNodeState = {
        name,
        uid: uidFrom(seed, 'node', name),
        index: i,
        createdMs: this.startMs - 3 * 86_400_000,
        bootMs: this.startMs - nodeUptimeMs(counters, seed, name),
        overheadCpuMillicores: intBetween(100, 400, seed, name, 'overhead-cpu'),
        overheadMemoryBytes: intBetween(512, 1536, seed, name, 'overhead-memory') * MIB,
        cpuCapacityMillicores: 16_000,
        memoryCapacityBytes: 64 * GIB,
        kubeletPort: 0,
        pods: new Map(),
        history: [],
        retiredCoreNs: 0,
        resourceVersion: this.nextResourceVersion(),
      };
      this.nodes.push(node);
      this.nodesByName.set(name, node);
    }
    for (const node of this.nodes) {
      const bigPod = bigCounterPod(counters, seed, node.name, this.startMs - node.bootMs);
      for (let j = 0; j < shape.podsPerNode; j += 1) {
        const namespace = nsNames[this.podCounter % nsNames.length] ?? 'default';
        const big = j === 0 ? bigPod : undefined;
        const ageMs = big?.ageMs ?? podAgeMs(counters, seed, this.podCounter);
        this.createPod({ namespace, node: node.name }, this.startMs - ageMs, false, big);
      }
      const target = nodeCounterTargetCoreNs(counters, seed, node.name);
      // Whatever the node's counter target exceeds its overhead and live pods by was used by pods deleted before
      // the simulator started: it lives on in the node counter, as retired CPU does after a deletion.
      if (target !== undefined) node.retiredCoreNs = Math.max(0, target - this.nodeCounterCoreNs(node, this.startMs));
    }
  }

  onChange(listener: (event: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  currentResourceVersion(): number {
    return this.resourceVersion;
  }

  /** Consumes a resourceVersion without a change (the apiserver's compaction marker). */
  bumpResourceVersion(): number {
    return this.nextResourceVersion();
  }

  node(name: string): SimNodeState {
    const node = this.nodesByName.get(name);
    if (!node) throw new Error(`kubelet-sim: no node named ${JSON.stringify(name)}`);
    return node;
  }

  /** The latest pod with that name (deleted ones too: truth over past intervals needs them). */
  pod(namespace: string, name: string): SimPodState {
    const pod = this.podsByKey.get(podKeyOf(namespace, name));
    if (!pod) throw new Error(`kubelet-sim: no pod ${namespace}/${name}`);
    return pod;
  }

  container(namespace: string, pod: string, container: string): SimContainerState {
    const found = this.pod(namespace, pod).containers.find((c) => c.name === container);
    if (!found) throw new Error(`kubelet-sim: pod ${namespace}/${pod} has no container ${JSON.stringify(container)}`);
    return found;
  }

  livePods(): SimPodState[] {
    const out: SimPodState[] = [];
    for (const node of this.nodes) for (const pod of node.pods.values()) out.push(pod);
    return out;
  }

  addPod(spec: AddPodSpec, nowMs: number): SimPodState {
    if (!this.namespaces.some((ns) => ns.name === spec.namespace)) {
      const ns: SimNamespaceState = { name: spec.namespace, uid: uidFrom(this.shape.seed, 'namespace', spec.namespace), createdMs: floorToSecond(nowMs), resourceVersion: this.nextResourceVersion() };
      this.namespaces.push(ns);
      this.emit({ type: 'ADDED', resource: 'namespaces', namespace: ns });
    }
    return this.createPod(spec, floorToSecond(nowMs), true);
  }

  deletePod(namespace: string, name: string, nowMs: number): void {
    const pod = this.podsByKey.get(podKeyOf(namespace, name));
    if (!pod || pod.deletedMs !== undefined) throw new Error(`kubelet-sim: cannot delete pod ${namespace}/${name}: no such live pod`);
    const node = this.node(pod.nodeName);
    const endMs = Math.max(nowMs, pod.startMs);
    pod.deletedMs = endMs;
    for (const c of pod.containers) node.retiredCoreNs += c.workload.cpuCoreNs(c.originMs, endMs);
    node.pods.delete(podKeyOf(namespace, name));
    pod.resourceVersion = this.nextResourceVersion();
    this.emit({ type: 'DELETED', resource: 'pods', pod });
  }

  restartContainer(namespace: string, podName: string, containerName: string, nowMs: number): void {
    const pod = this.pod(namespace, podName);
    if (pod.deletedMs !== undefined) throw new Error(`kubelet-sim: cannot restart ${containerName} in pod ${namespace}/${podName}: the pod was deleted`);
    const c = this.container(namespace, podName, containerName);
    const last = c.instances[c.instances.length - 1];
    const startMs = Math.max(floorToSecond(nowMs), (last?.startMs ?? 0) + 1000);
    c.instances.push({ startMs, containerId: hexString(64, this.shape.seed, pod.uid, containerName, c.instances.length) });
    c.currentInstancePrefixCoreNs = c.workload.prefixCoreNs(startMs);
    pod.resourceVersion = this.nextResourceVersion();
    this.emit({ type: 'MODIFIED', resource: 'pods', pod });
  }

  /** The instance running at t (undefined before the container first started). */
  instanceAt(c: SimContainerState, tMs: number): ContainerInstance | undefined {
    for (let i = c.instances.length - 1; i >= 0; i -= 1) {
      const inst = c.instances[i];
      if (inst && inst.startMs <= tMs) return inst;
    }
    return undefined;
  }

  /** The cumulative counter a kubelet serves at t: core-ns since the running instance started. */
  containerCounterCoreNs(pod: SimPodState, c: SimContainerState, tMs: number): number {
    const end = pod.deletedMs === undefined ? tMs : Math.min(tMs, pod.deletedMs);
    const current = c.instances[c.instances.length - 1];
    if (current && current.startMs <= end) return c.workload.prefixCoreNs(end) - c.currentInstancePrefixCoreNs;
    const inst = this.instanceAt(c, end);
    return inst ? c.workload.cpuCoreNs(inst.startMs, end) : 0;
  }

  /** The pod cgroup's counter: every container since it first started (restarts do not reset a pod cgroup). */
  podCounterCoreNs(pod: SimPodState, tMs: number): number {
    const end = pod.deletedMs === undefined ? tMs : Math.min(tMs, pod.deletedMs);
    let sum = 0;
    for (const c of pod.containers) if (end > c.originMs) sum += c.workload.prefixCoreNs(end) - c.originPrefixCoreNs;
    return sum;
  }

  podsCpuCounterCoreNs(node: SimNodeState, tMs: number): number {
    let sum = node.retiredCoreNs;
    for (const pod of node.pods.values()) sum += this.podCounterCoreNs(pod, tMs);
    return sum;
  }

  overheadCounterCoreNs(node: SimNodeState, tMs: number): number {
    return node.overheadCpuMillicores * CORE_NS_PER_MILLICORE_MS * Math.max(0, tMs - node.bootMs);
  }

  nodeCounterCoreNs(node: SimNodeState, tMs: number): number {
    return this.overheadCounterCoreNs(node, tMs) + this.podsCpuCounterCoreNs(node, tMs);
  }

  containerRateMillicores(pod: SimPodState, c: SimContainerState, tMs: number): number {
    if (pod.deletedMs !== undefined && tMs > pod.deletedMs) return 0;
    return tMs < c.originMs ? 0 : c.workload.cpuRateMillicores(tMs);
  }

  containerWorkingSetBytes(pod: SimPodState, c: SimContainerState, tMs: number): number {
    if (pod.deletedMs !== undefined && tMs > pod.deletedMs) return 0;
    const inst = this.instanceAt(c, tMs);
    return inst ? c.workload.memoryWorkingSetBytes(inst.startMs, tMs) : 0;
  }

  podWorkingSetBytes(pod: SimPodState, tMs: number): number {
    let sum = 0;
    for (const c of pod.containers) sum += this.containerWorkingSetBytes(pod, c, tMs);
    return sum;
  }

  nodeWorkingSetBytes(node: SimNodeState, tMs: number): number {
    let sum = node.overheadMemoryBytes;
    for (const pod of node.history) sum += this.podWorkingSetBytes(pod, tMs);
    return sum;
  }

  /** `bigCounter`: give the containers a history rate that puts the pod counter at its target on the model start. */
  private createPod(spec: AddPodSpec, startMs: number, notify: boolean, bigCounter?: BigCounterPod): SimPodState {
    const seed = this.shape.seed;
    const index = this.podCounter;
    this.podCounter += 1;
    const appIndex = index % 16;
    const templateHash = nameSuffix(10, seed, 'template', spec.namespace, appIndex);
    let name = spec.name;
    for (let attempt = 0; name === undefined || this.isLive(spec.namespace, name); attempt += 1) {
      if (spec.name !== undefined) throw new Error(`kubelet-sim: pod ${spec.namespace}/${spec.name} already exists`);
      name = `app-${appIndex}-${templateHash}-${nameSuffix(5, seed, 'pod', index, attempt)}`;
    }
    const nodeName = spec.node ?? this.nodes[hash32(seed, 'placement', index) % this.nodes.length]?.name;
    if (nodeName === undefined) throw new Error('kubelet-sim: cannot add a pod to a cluster without nodes');
    const node = this.node(nodeName);
    const uid = uidFrom(seed, 'pod', spec.namespace, name, index);
    const containerCount = spec.containers ?? this.shape.containersPerPod;
    const containers: SimContainerState[] = [];
    // Containers start 1 s after their pod; whole millicores, rounded up so the pod counter reaches its target.
    const historyMillicores = bigCounter && Math.ceil(bigCounter.targetCoreNs / (containerCount * CORE_NS_PER_MILLICORE_MS * (this.startMs - startMs - 1000)));
    for (let k = 0; k < containerCount; k += 1) {
      const cname = k === 0 ? 'main' : `sidecar-${k}`;
      const identity = `${spec.namespace}/${name}/${cname}/${index}`;
      const drawn = drawWorkloadParams(seed, identity);
      const profiled = spec.cpuProfile === undefined ? drawn : { ...drawn, cpuProfile: spec.cpuProfile };
      const params = historyMillicores === undefined ? profiled : { ...profiled, cpuHistoryMillicores: historyMillicores };
      const workload = new ContainerWorkload(params, hash32(seed, identity), this.startMs);
      const originMs = startMs + 1000;
      const cpuRequest = Math.ceil(params.cpuBaseMillicores / 10) * 10;
      const memRequest = Math.ceil(params.memoryBaseBytes / MIB) * MIB;
      containers.push({
        name: cname,
        image: k === 0 ? `registry.example/app-${appIndex}:v${1 + (appIndex % 3)}` : 'registry.example/sidecar:1.0',
        workload,
        originMs,
        instances: [{ startMs: originMs, containerId: hexString(64, seed, uid, cname, 0) }],
        cpuRequestMillicores: cpuRequest,
        cpuLimitMillicores: cpuRequest * 4,
        memoryRequestBytes: memRequest,
        memoryLimitBytes: memRequest * 2,
        originPrefixCoreNs: workload.prefixCoreNs(originMs),
        currentInstancePrefixCoreNs: workload.prefixCoreNs(originMs),
      });
    }
    const pod: SimPodState = {
      namespace: spec.namespace,
      name,
      uid,
      nodeName,
      labels: spec.labels ?? { app: `app-${appIndex}`, 'pod-template-hash': templateHash },
      ownerName: `app-${appIndex}-${templateHash}`,
      createdMs: startMs,
      startMs,
      podIp: `10.${64 + ((node.index >> 8) & 63)}.${node.index & 255}.${2 + (node.pods.size % 250)}`,
      containers,
      deletedMs: undefined,
      resourceVersion: this.nextResourceVersion(),
    };
    node.pods.set(podKeyOf(pod.namespace, name), pod);
    node.history.push(pod);
    this.podsByKey.set(podKeyOf(pod.namespace, name), pod);
    if (notify) this.emit({ type: 'ADDED', resource: 'pods', pod });
    return pod;
  }

  private isLive(namespace: string, name: string): boolean {
    const pod = this.podsByKey.get(podKeyOf(namespace, name));
    return pod !== undefined && pod.deletedMs === undefined;
  }

  private nextResourceVersion(): number {
    this.resourceVersion += 1;
    return this.resourceVersion;
  }

  private emit(event: ChangeEvent): void {
    this.generation += 1;
    for (const listener of this.listeners) listener(event);
  }
}
