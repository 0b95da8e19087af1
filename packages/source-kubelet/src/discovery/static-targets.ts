/**
 * The `kubelets=host[:port],…` option: a fixed target list for clusters without an apiserver (or tests). The host
 * is the node name and hostname, as a kubelet reached this way has no Node object to name it; when one host is
 * listed with several ports (simulated kubelets on one machine), each is named `host:port` so keys stay distinct.
 */
import { isIP } from 'node:net';
import type { ConfigProblem } from '@kubestats/core';
import type { KubeletTarget } from './kubelet-target.js';

export type StaticTargetsResult =
  | { readonly ok: true; readonly targets: readonly KubeletTarget[] }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

const hostPattern = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/[\]]+))(?::(\d{1,5}))?$/;

/** Parses the entries (duplicates dropped, order kept); every bad entry is a problem at path `kubelets`. */
export function staticTargets(entries: readonly string[], defaults: { readonly port: number; readonly https: boolean }): StaticTargetsResult {
  const problems: ConfigProblem[] = [];
  const parsed = new Map<string, { host: string; port: number }>();
  for (const entry of entries) {
    const match = hostPattern.exec(entry.trim());
    const host = match?.[1] ?? match?.[2];
    const port = match?.[3] === undefined ? defaults.port : Number(match[3]);
    if (host === undefined || (match?.[1] !== undefined && isIP(host) !== 6) || port < 1 || port > 65535) {
      problems.push({ path: 'kubelets', message: `${JSON.stringify(entry)} is not host[:port] (e.g. 10.0.0.7:10250 or [fd00::7]:10250)` });
      continue;
    }
    parsed.set(`${host} ${port}`, { host, port });
  }
  if (problems.length > 0) return { ok: false, problems };
  const hostCounts = new Map<string, number>();
  for (const { host } of parsed.values()) hostCounts.set(host, (hostCounts.get(host) ?? 0) + 1);
  const targets = [...parsed.values()].map(({ host, port }): KubeletTarget => {
    const name = (hostCounts.get(host) ?? 0) > 1 ? `${isIP(host) === 6 ? `[${host}]` : host}:${port}` : host;
    return { nodeName: name, hostname: name, hostId: '', host, port, https: defaults.https };
  });
  return { ok: true, targets };
}
