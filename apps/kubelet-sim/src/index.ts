/**
 * kubelet-sim: a simulated Kubernetes cluster over real HTTP (a minimal apiserver and one kubelet per node) with
 * a deterministic workload model, opt-in quirks and a queryable truth. The library entry point.
 */
export { startSimulatedCluster } from './simulated-cluster.js';
export type { ChurnOptions, SimClusterOptions, SimKubeletEndpoint, SimulatedCluster } from './simulated-cluster.js';
export type { SimContainerInfo, SimNodeInfo, SimPodInfo, SimTruth } from './sim-truth.js';
export type { AddPodSpec } from './cluster-state.js';
export type { CpuProfile } from './container-workload.js';
export { COUNTER_STARTS, DEFAULT_BIG_COUNTER_FRACTION } from './counter-history.js';
export type { CounterStart } from './counter-history.js';
export type { DelayFn } from './kubelet-server.js';
export { parseQuirks, QUIRK_KINDS, KUBELET_ENDPOINTS, DEFAULT_SLOW_DELAY_MS, DEFAULT_HUGE_BODY_BYTES } from './quirk-spec.js';
export type { DuplicateCgroupShape, KubeletEndpoint, QuirkKind, QuirkSpec } from './quirk-spec.js';
