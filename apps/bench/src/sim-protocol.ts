/**
 * The messages between the bench and its kubelet-sim child process (Node IPC). The child owns the simulated
 * cluster; the bench only tells it the clock offset before each cycle and asks for its CPU time, so the sim's work
 * is never charged to kubestats.
 */
import type { SimClusterOptions, SimKubeletEndpoint } from 'kubelet-sim';

/** The serialisable part of SimClusterOptions. */
export type SimSpec = Pick<SimClusterOptions, 'nodes' | 'podsPerNode' | 'containersPerPod' | 'seed' | 'namespaces' | 'counters'>;

export type ToSim =
  | { readonly type: 'start'; readonly spec: SimSpec }
  | { readonly type: 'offset'; readonly offsetMs: number }
  | { readonly type: 'usage' }
  | { readonly type: 'stop' };

export type FromSim =
  | { readonly type: 'ready'; readonly apiServerUrl: string; readonly kubelets: readonly SimKubeletEndpoint[] }
  | { readonly type: 'offset-set'; readonly offsetMs: number }
  | { readonly type: 'usage'; readonly cpuMs: number; readonly rssBytes: number }
  | { readonly type: 'error'; readonly message: string };
