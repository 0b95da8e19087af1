/** One kubelet to scrape and the identity its metric sets carry. */
import { isIPv6 } from 'node:net';

export interface KubeletTarget {
  /** Node object name: the `nodename` label and node key. */
  readonly nodeName: string;
  /** `hostname` label: the node's Hostname address, else its name. */
  readonly hostname: string;
  /** `host_id` label: spec.providerID, else the `host_id_annotation` annotation, else empty. */
  readonly hostId: string;
  /** The address dialed (IP or DNS name). */
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
}

/** `10.0.0.7:10250`, `[fd00::7]:10250`: how errors name the kubelet. */
export function targetAddress(target: KubeletTarget): string {
  return `${isIPv6(target.host) ? `[${target.host}]` : target.host}:${target.port}`;
}

export function targetUrl(target: KubeletTarget, path: string): string {
  return `${target.https ? 'https' : 'http'}://${targetAddress(target)}${path}`;
}
