/**
 * Opt-in faults ("quirks") the simulated kubelets reproduce, how a quirk picks its targets, and the CLI spelling
 * `kind[=value][:target]`. Quirks change what is served, never the truth: the truth stays the real usage.
 */
import { hash32 } from './seeded-random.js';

/** Faults of a whole kubelet (every endpoint of the targeted nodes unless `endpoints` narrows it). */
export const NODE_QUIRK_KINDS = ['slow', 'dead', 'hang', 'http-500', 'garbage', 'huge-body'] as const;
/** Faults in the payload for the targeted containers. */
export const CONTAINER_QUIRK_KINDS = ['duplicate-cgroup', 'zombie-container', 'counter-decrease'] as const;
export const QUIRK_KINDS = [...CONTAINER_QUIRK_KINDS, ...NODE_QUIRK_KINDS] as const;

export type NodeQuirkKind = (typeof NODE_QUIRK_KINDS)[number];
export type ContainerQuirkKind = (typeof CONTAINER_QUIRK_KINDS)[number];
export type QuirkKind = (typeof QUIRK_KINDS)[number];

export const KUBELET_ENDPOINTS = ['/stats/summary', '/metrics/resource', '/stats/container', '/pods'] as const;
export type KubeletEndpoint = (typeof KUBELET_ENDPOINTS)[number];

export type DuplicateCgroupShape = 'docker' | 'kubepods-slice';

export interface QuirkSpec {
  readonly kind: QuirkKind;
  /** Only this node. */
  readonly node?: string;
  /** Only this pod, `namespace/name` (node quirks: the node that runs it). */
  readonly pod?: string;
  /** A seeded share in [0, 1] of the nodes (node quirks) or containers (container quirks). */
  readonly fraction?: number;
  /** `slow`: delay before answering, ms (default 2000). */
  readonly delayMs?: number;
  /** `huge-body`: bytes of padding (default 64 MiB). */
  readonly bytes?: number;
  /** `duplicate-cgroup` in /stats/container: docker's `/system.slice/docker.service/docker/<id>` + `/docker/<id>` pair (default) or the systemd kubepods-slice + `/system.slice/docker-<id>.scope` pair. */
  readonly shape?: DuplicateCgroupShape;
  /** Node quirks: only these endpoints (default all). */
  readonly endpoints?: readonly KubeletEndpoint[];
}

export const DEFAULT_SLOW_DELAY_MS = 2000;
export const DEFAULT_HUGE_BODY_BYTES = 64 * 1024 * 1024;

export function isNodeQuirk(kind: QuirkKind): kind is NodeQuirkKind {
  return (NODE_QUIRK_KINDS as readonly string[]).includes(kind);
}

/** Throws naming the bad spec; used by the library (setQuirks) and the CLI alike. */
export function validateQuirk(spec: QuirkSpec): void {
  const where = `quirk ${JSON.stringify(spec.kind)}`;
  if (!(QUIRK_KINDS as readonly string[]).includes(spec.kind)) throw new Error(`unknown quirk ${JSON.stringify(spec.kind)} (known: ${QUIRK_KINDS.join(', ')})`);
  if (spec.fraction !== undefined && !(spec.fraction >= 0 && spec.fraction <= 1)) throw new Error(`${where}: fraction must be within [0, 1], got ${spec.fraction}`);
  if (spec.delayMs !== undefined && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0)) throw new Error(`${where}: delayMs must be a non-negative number, got ${spec.delayMs}`);
  if (spec.bytes !== undefined && !(Number.isInteger(spec.bytes) && spec.bytes >= 0)) throw new Error(`${where}: bytes must be a non-negative integer, got ${spec.bytes}`);
  if (spec.pod !== undefined && !/^[^/]+\/[^/]+$/.test(spec.pod)) throw new Error(`${where}: pod must be namespace/name, got ${JSON.stringify(spec.pod)}`);
  for (const e of spec.endpoints ?? []) {
    if (!(KUBELET_ENDPOINTS as readonly string[]).includes(e)) throw new Error(`${where}: unknown endpoint ${JSON.stringify(e)} (known: ${KUBELET_ENDPOINTS.join(', ')})`);
  }
}

/**
 * Parses the CLI form, one or more comma-separated `kind[=value][:target]`:
 * value is `slow`'s delay in ms, `huge-body`'s byte count or `duplicate-cgroup`'s shape; target is a node name,
 * `namespace/pod`, or a share of the cluster (`0.25` or `25%`). Example: `duplicate-cgroup,slow=500:node-3,dead:10%`.
 */
export function parseQuirks(text: string): QuirkSpec[] {
  const out: QuirkSpec[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    const head = colon < 0 ? item : item.slice(0, colon);
    const target = colon < 0 ? undefined : item.slice(colon + 1);
    const eq = head.indexOf('=');
    const kind = (eq < 0 ? head : head.slice(0, eq)) as QuirkKind;
    const value = eq < 0 ? undefined : head.slice(eq + 1);
    const spec: { -readonly [K in keyof QuirkSpec]: QuirkSpec[K] } = { kind };
    if (!(QUIRK_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown quirk ${JSON.stringify(kind)} in ${JSON.stringify(item)} (known: ${QUIRK_KINDS.join(', ')})`);
    if (value !== undefined) {
      if (kind === 'slow') spec.delayMs = parseNumber(value, item);
      else if (kind === 'huge-body') spec.bytes = parseNumber(value, item);
      else if (kind === 'duplicate-cgroup' && (value === 'docker' || value === 'kubepods-slice')) spec.shape = value;
      else throw new Error(`quirk ${JSON.stringify(item)}: ${kind} takes no value ${JSON.stringify(value)}`);
    }
    if (target !== undefined) {
      if (target === '') throw new Error(`quirk ${JSON.stringify(item)}: empty target after ':'`);
      if (/^\d+(\.\d+)?%$/.test(target)) spec.fraction = Number(target.slice(0, -1)) / 100;
      else if (/^(0(\.\d+)?|1(\.0+)?)$/.test(target)) spec.fraction = Number(target);
      else if (target.includes('/')) spec.pod = target;
      else spec.node = target;
    }
    validateQuirk(spec);
    out.push(spec);
  }
  return out;
}

function parseNumber(value: string, item: string): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0) throw new Error(`quirk ${JSON.stringify(item)}: ${JSON.stringify(value)} is not a non-negative number`);
  return n;
}

/** Whether a quirk hits a node (node quirks) given the pods that node runs. */
export function quirkHitsNode(seed: number, spec: QuirkSpec, nodeName: string, nodeHasPod: (podKey: string) => boolean): boolean {
  if (spec.node !== undefined && spec.node !== nodeName) return false;
  if (spec.pod !== undefined && !nodeHasPod(spec.pod)) return false;
  if (spec.fraction !== undefined && hash32(seed, spec.kind, nodeName) / 0x1_0000_0000 >= spec.fraction) return false;
  return true;
}

/** Whether a quirk hits one container (container quirks). */
export function quirkHitsContainer(seed: number, spec: QuirkSpec, nodeName: string, podKey: string, container: string): boolean {
  if (spec.node !== undefined && spec.node !== nodeName) return false;
  if (spec.pod !== undefined && spec.pod !== podKey) return false;
  if (spec.fraction !== undefined && hash32(seed, spec.kind, podKey, container) / 0x1_0000_0000 >= spec.fraction) return false;
  return true;
}
