/**
 * `startSimulatedCluster`: builds the state from the options, starts the apiserver and one kubelet per node on
 * 127.0.0.1, and hands back the handle the app, the e2e tests and the benchmark drive: URLs and ports, the truth,
 * runtime quirks, restarts, pod churn, watch compaction and stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiServer, type SimApiServer } from './apiserver.js';
import { COUNTER_STARTS, DEFAULT_BIG_COUNTER_FRACTION, type CounterHistory, type CounterStart } from './counter-history.js';
import { ClusterState, type AddPodSpec, type SimContainerState, type SimPodState } from './cluster-state.js';
import type { ContainerQuirks } from './kubelet-payload-context.js';
import { KubeletServer, type DelayFn } from './kubelet-server.js';
import { resolveContainerQuirks, resolveNodeFaults, type NodeFaults } from './node-faults.js';
import { isNodeQuirk, validateQuirk, type QuirkSpec } from './quirk-spec.js';
import { hash32 } from './seeded-random.js';
import { createSimTruth, type SimPodInfo, type SimTruth } from './sim-truth.js';

export interface ChurnOptions {
  /** Period of one churn step, real time. */
  readonly intervalMs: number;
  /** Pods added per step (default 1). */
  readonly addPods?: number;
  /** Pods deleted per step (default 1). */
  readonly deletePods?: number;
  /** Container restarts per step (default 1). */
  readonly restarts?: number;
}

export interface SimClusterOptions {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly containersPerPod: number;
  /** Same seed, same cluster (names, profiles, values). Default 1. */
  readonly seed?: number;
  /** Namespaces the pods spread over: `default`, `team-1`, … (default 3). */
  readonly namespaces?: number;
  readonly quirks?: readonly QuirkSpec[];
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = any free port (default). */
  readonly apiServerPort?: number;
  /** First kubelet port; node i listens on base + i. 0 = any free port each (default). */
  readonly kubeletBasePort?: number;
  /** Kubelets speak plain HTTP only. */
  readonly kubeletHttps?: false;
  /** Epoch ms; default Date.now. Payload timestamps and counters follow it. */
  readonly clock?: () => number;
  /** Seeded background churn (adds, deletes, restarts) on a real-time interval; see also churnOnce(). */
  readonly churn?: ChurnOptions;
  /** Watch events retained for resuming (default 10 000). */
  readonly watchHistory?: number;
  /** BOOKMARK period on watches that allow them (default 60 000 ms). */
  readonly bookmarkIntervalMs?: number;
  /** How `slow` waits (default a real timer); tests pass a controllable one. */
  readonly delay?: DelayFn;
  /**
   * CPU history the counters start with: `small` (default; every counter below 10^15) or `realistic` (nodes up for
   * weeks, node counters ~1–5 × 10^15, and on a `bigCounterFraction` share of the nodes one pod above 2^53).
   */
  readonly counters?: CounterStart;
  /** realistic counters: share of nodes (seeded) with one pod whose counters exceed 2^53, 0–1 (default 0.05). */
  readonly bigCounterFraction?: number;
}

export interface SimKubeletEndpoint {
  readonly nodeName: string;
  readonly host: string;
  readonly port: number;
}

export interface SimulatedCluster {
  /** `http://127.0.0.1:PORT` */
  readonly apiServerUrl: string;
  readonly kubelets: readonly SimKubeletEndpoint[];
  readonly truth: SimTruth;
  readonly quirks: readonly QuirkSpec[];
  /** Replaces the active quirks (validated; throws naming a bad one). Takes effect for the next request. */
  setQuirks(quirks: readonly QuirkSpec[]): void;
  /** Resolves once kubelet ports opened or closed by `dead` quirks are in their new state. */
  settled(): Promise<void>;
  /** Restarts a container now: new id and start time, restartCount + 1, its counter starts from 0. */
  restartContainer(namespace: string, pod: string, container: string): void;
  /** Adds a running pod (seen through the apiserver watch as ADDED). */
  addPod(spec: AddPodSpec): SimPodInfo;
  /** Deletes a pod (watch DELETED); kubelets stop serving it. */
  deletePod(namespace: string, pod: string): void;
  /** One seeded churn step (what the churn interval does). */
  churnOnce(): void;
  /** Expires all watch history and ends open watches: resuming clients get 410 and relist. */
  compactWatchHistory(): void;
  /** A kubeconfig (YAML) pointing at the apiserver (with insecure-skip-tls-verify, which client-node requires for http). */
  kubeconfig(): string;
  stop(): Promise<void>;
}

function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`kubelet-sim: option ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkCounters(options: SimClusterOptions): CounterHistory {
  const start = options.counters ?? 'small';
  if (!COUNTER_STARTS.includes(start)) {
    throw new Error(`kubelet-sim: option counters must be one of ${COUNTER_STARTS.join(', ')}, got ${JSON.stringify(start)}`);
  }
  const fraction = options.bigCounterFraction ?? DEFAULT_BIG_COUNTER_FRACTION;
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) {
    throw new Error(`kubelet-sim: option bigCounterFraction must be a number from 0 to 1, got ${JSON.stringify(fraction)}`);
  }
  return { start, bigCounterFraction: fraction };
}

const defaultDelay: DelayFn = (ms, signal) => sleep(ms, undefined, { signal });

export async function startSimulatedCluster(options: SimClusterOptions): Promise<SimulatedCluster> {
  const nodes = checkCount('nodes', options.nodes, 1);
  const podsPerNode = checkCount('podsPerNode', options.podsPerNode, 0);
  const containersPerPod = checkCount('containersPerPod', options.containersPerPod, 1);
  const namespaces = checkCount('namespaces', options.namespaces ?? 3, 1);
  const seed = checkCount('seed', options.seed ?? 1, 0);
  const basePort = checkCount('kubeletBasePort', options.kubeletBasePort ?? 0, 0);
  if (options.churn) checkCount('churn.intervalMs', options.churn.intervalMs, 1);
  const counters = checkCounters(options);
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? Date.now;
  const delay = options.delay ?? defaultDelay;
  const state = new ClusterState({ nodes, podsPerNode, containersPerPod, namespaces, seed, counters }, clock());
  const truth = createSimTruth(state, host);

  let quirks: readonly QuirkSpec[] = [];
  let quirkVersion = 0;
  let faults: NodeFaults[] = [];
  let containerQuirkCache = new WeakMap<SimContainerState, ContainerQuirks>();
  let alternating = false;
  const containerQuirks = (pod: SimPodState, c: SimContainerState): ContainerQuirks => {
    let q = containerQuirkCache.get(c);
    if (!q) {
      q = resolveContainerQuirks(seed, quirks, pod, c);
      containerQuirkCache.set(c, q);
    }
    return q;
  };
  const resolveFaults = (): void => {
    faults = state.nodes.map((n) => resolveNodeFaults(seed, quirks, n));
  };

  const servers: KubeletServer[] = state.nodes.map(
    (node) =>
      new KubeletServer({
        state,
        node,
        host,
        clock,
        delay,
        faults: () => faults[node.index] ?? resolveNodeFaults(seed, [], node),
        containerQuirks,
        quirkVersion: () => quirkVersion,
        alternating: () => alternating,
      }),
  );
  let settling: Promise<unknown> = Promise.resolve();
  const applyQuirks = (next: readonly QuirkSpec[]): void => {
    for (const q of next) validateQuirk(q);
    quirks = [...next];
    quirkVersion += 1;
    containerQuirkCache = new WeakMap();
    alternating = quirks.some((q) => !isNodeQuirk(q.kind));
    resolveFaults();
    settling = Promise.all(servers.map((s, i) => s.setRefusing(faults[i]?.refuse ?? false)));
  };

  resolveFaults();
  await Promise.all(servers.map((s, i) => s.start(basePort === 0 ? 0 : basePort + i)));
  state.nodes.forEach((n, i) => {
    n.kubeletPort = servers[i]?.port ?? 0;
  });
  const api: SimApiServer = await startApiServer(state, {
    host,
    port: options.apiServerPort ?? 0,
    watchHistory: options.watchHistory,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });
  state.onChange(() => {
    // A pod-targeted node quirk follows the pod; re-resolve when pods move.
    if (quirks.some((q) => q.pod !== undefined && isNodeQuirk(q.kind))) applyQuirks(quirks);
  });
  applyQuirks(options.quirks ?? []);
  await settling;

  let churnTick = 0;
  const churnOnce = (): void => {
    const churn = options.churn ?? { intervalMs: 0 };
    const tick = churnTick;
    churnTick += 1;
    for (let i = 0; i < (churn.deletePods ?? 1); i += 1) {
      const live = state.livePods();
      const victim = live[hash32(seed, 'churn-delete', tick, i) % Math.max(1, live.length)];
      if (victim) state.deletePod(victim.namespace, victim.name, clock());
    }
    for (let i = 0; i < (churn.addPods ?? 1); i += 1) {
      const ns = state.namespaces[hash32(seed, 'churn-ns', tick, i) % state.namespaces.length];
      state.addPod({ namespace: ns?.name ?? 'default' }, clock());
    }
    for (let i = 0; i < (churn.restarts ?? 1); i += 1) {
      const live = state.livePods();
      const pod = live[hash32(seed, 'churn-restart', tick, i) % Math.max(1, live.length)];
      const c = pod?.containers[hash32(seed, 'churn-container', tick, i) % pod.containers.length];
      if (pod && c) state.restartContainer(pod.namespace, pod.name, c.name, clock());
    }
  };
  const churnTimer = options.churn ? setInterval(churnOnce, options.churn.intervalMs) : undefined;
  churnTimer?.unref();

  let stopping: Promise<void> | undefined;
  const kubelets = state.nodes.map((n) => ({ nodeName: n.name, host, port: n.kubeletPort }));
  return {
    apiServerUrl: api.url,
    kubelets,
    truth,
    get quirks() {
      return quirks;
    },
    setQuirks: applyQuirks,
    async settled() {
      await settling;
    },
    restartContainer(namespace, pod, container) {
      state.restartContainer(namespace, pod, container, clock());
    },
    addPod(spec) {
      const pod = state.addPod(spec, clock());
      const info = truth.listPods().find((p) => p.uid === pod.uid);
      if (!info) throw new Error(`kubelet-sim: pod ${spec.namespace}/${pod.name} vanished after being added`);
      return info;
    },
    deletePod(namespace, pod) {
      state.deletePod(namespace, pod, clock());
    },
    churnOnce,
    compactWatchHistory() {
      api.compact();
    },
    kubeconfig() {
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: kubelet-sim`,
        `  cluster:`,
        `    server: ${api.url}`,
        // client-node 1.x refuses plain http unless TLS verification is skipped.
        '    insecure-skip-tls-verify: true',
        'contexts:',
        '- name: kubelet-sim',
        '  context:',
        '    cluster: kubelet-sim',
        '    user: kubelet-sim',
        'current-context: kubelet-sim',
        'users:',
        '- name: kubelet-sim',
        '  user: {}',
        '',
      ].join('\n');
    },
    stop() {
      stopping ??= (async () => {
        if (churnTimer) clearInterval(churnTimer);
        await Promise.all([api.stop(), ...servers.map((s) => s.stop())]);
      })();
      return stopping;
    },
  };
}
