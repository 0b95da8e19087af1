/**
 * The order kubelets are started in, a deterministic "jitter". Heapster slept a random 0–4 s per node to spread
 * load; here the host owns time, so no plugin sleeps. Instead each cycle starts the kubelets in a permutation
 * derived from the window end: with bounded concurrency the requests are already spread, and no node is always
 * last in line when a cycle runs up against its deadline. Same window, same order, so tests are repeatable.
 */
import type { KubeletTarget } from './discovery/kubelet-target.js';

/** FNV-1a, 32 bit: cheap and well spread for short strings. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function scrapeOrder(targets: readonly KubeletTarget[], windowEndMs: number): KubeletTarget[] {
  const ranked = targets.map((target) => ({ target, rank: fnv1a(`${windowEndMs}/${target.nodeName}`) }));
  ranked.sort((a, b) => a.rank - b.rank || (a.target.nodeName < b.target.nodeName ? -1 : 1));
  return ranked.map((entry) => entry.target);
}
