/**
 * What a kubelet payload builder needs to know for one request: the state, the node, the request time, how many
 * requests this endpoint answered before (quirks that alternate, like duplicate order flips and counter drops,
 * key on it) and which container quirks apply to each container.
 */
import type { ClusterState, SimContainerState, SimNodeState, SimPodState } from './cluster-state.js';
import type { DuplicateCgroupShape } from './quirk-spec.js';

export interface ContainerQuirks {
  readonly duplicate: DuplicateCgroupShape | undefined;
  readonly zombie: boolean;
  readonly counterDecrease: boolean;
}

export const NO_CONTAINER_QUIRKS: ContainerQuirks = { duplicate: undefined, zombie: false, counterDecrease: false };

export interface KubeletPayloadContext {
  readonly state: ClusterState;
  readonly node: SimNodeState;
  /** Request time, epoch ms. */
  readonly tMs: number;
  /** 0-based index of this request among this endpoint's requests on this kubelet. */
  readonly requestIndex: number;
  containerQuirks(pod: SimPodState, container: SimContainerState): ContainerQuirks;
}

/** `counter-decrease`: every second request serves half the counter, start time unchanged. */
export function servedCounter(ctx: KubeletPayloadContext, quirks: ContainerQuirks, counter: number): number {
  return quirks.counterDecrease && ctx.requestIndex % 2 === 1 ? Math.floor(counter / 2) : counter;
}

/** A terminated zombie copy: it ran for an hour and stopped when the current instance's first start happened. */
export function zombieTimes(container: SimContainerState): { startMs: number; endMs: number } {
  return { startMs: container.originMs - 3_600_000, endMs: container.originMs };
}
