/**
 * Resolves the active quirks into what one kubelet does: per endpoint whether it hangs, answers 500, sends
 * garbage or a huge body, how long it waits first, and whether the whole kubelet refuses connections; and, per
 * container, which payload quirks apply. Resolved once per quirk change, not per request.
 */
import type { SimContainerState, SimNodeState, SimPodState } from './cluster-state.js';
import { podKeyOf } from './cluster-state.js';
import { NO_CONTAINER_QUIRKS, type ContainerQuirks } from './kubelet-payload-context.js';
import {
  DEFAULT_HUGE_BODY_BYTES,
  DEFAULT_SLOW_DELAY_MS,
  KUBELET_ENDPOINTS,
  isNodeQuirk,
  quirkHitsContainer,
  quirkHitsNode,
  type KubeletEndpoint,
  type QuirkSpec,
} from './quirk-spec.js';

export interface EndpointFaults {
  /** Destroy the socket when this endpoint is requested. */
  readonly dead: boolean;
  readonly hang: boolean;
  readonly delayMs: number;
  readonly http500: boolean;
  readonly garbage: boolean;
  /** Padding bytes, 0 = none. */
  readonly hugeBytes: number;
}

export interface NodeFaults {
  /** `dead` without `endpoints`: the kubelet's port is closed (and kept reserved, see PortReservation). */
  readonly refuse: boolean;
  readonly endpoints: Readonly<Record<KubeletEndpoint, EndpointFaults>>;
}

const NONE: EndpointFaults = { dead: false, hang: false, delayMs: 0, http500: false, garbage: false, hugeBytes: 0 };

export function resolveNodeFaults(seed: number, quirks: readonly QuirkSpec[], node: SimNodeState): NodeFaults {
  const hasPod = (key: string): boolean => node.pods.has(key);
  let refuse = false;
  const endpoints = {} as Record<KubeletEndpoint, EndpointFaults>;
  for (const ep of KUBELET_ENDPOINTS) endpoints[ep] = NONE;
  for (const spec of quirks) {
    if (!isNodeQuirk(spec.kind) || !quirkHitsNode(seed, spec, node.name, hasPod)) continue;
    if (spec.kind === 'dead' && spec.endpoints === undefined) refuse = true;
    for (const ep of spec.endpoints ?? KUBELET_ENDPOINTS) {
      const cur = endpoints[ep];
      endpoints[ep] = {
        dead: cur.dead || spec.kind === 'dead',
        hang: cur.hang || spec.kind === 'hang',
        delayMs: spec.kind === 'slow' ? Math.max(cur.delayMs, spec.delayMs ?? DEFAULT_SLOW_DELAY_MS) : cur.delayMs,
        http500: cur.http500 || spec.kind === 'http-500',
        garbage: cur.garbage || spec.kind === 'garbage',
        hugeBytes: spec.kind === 'huge-body' ? Math.max(cur.hugeBytes, spec.bytes ?? DEFAULT_HUGE_BODY_BYTES) : cur.hugeBytes,
      };
    }
  }
  return { refuse, endpoints };
}

export function resolveContainerQuirks(seed: number, quirks: readonly QuirkSpec[], pod: SimPodState, container: SimContainerState): ContainerQuirks {
  let result = NO_CONTAINER_QUIRKS;
  const key = podKeyOf(pod.namespace, pod.name);
  for (const spec of quirks) {
    if (isNodeQuirk(spec.kind) || !quirkHitsContainer(seed, spec, pod.nodeName, key, container.name)) continue;
    if (spec.kind === 'duplicate-cgroup') result = { ...result, duplicate: spec.shape ?? 'docker' };
    else if (spec.kind === 'zombie-container') result = { ...result, zombie: true };
    else result = { ...result, counterDecrease: true };
  }
  return result;
}
