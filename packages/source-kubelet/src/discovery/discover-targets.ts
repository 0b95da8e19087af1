/**
 * Node discovery from ClusterMetadata: which kubelets to scrape this cycle, at which address, and the labels their
 * sets carry. Nodes that are not Ready are skipped with a diagnostic (an expected state); a Ready node without a
 * usable address is a failure (the node cannot be scraped, and somebody should know).
 */
import { nodeKey, type DiagnosticInput, type ItemFailure, type NodeInfo } from '@kubestats/core';
import type { KubeletTarget } from './kubelet-target.js';

export interface DiscoveryOptions {
  readonly addressTypes: readonly string[];
  readonly kubeletPort: number;
  readonly useNodeStatusPort: boolean;
  readonly https: boolean;
  readonly hostIdAnnotation: string | undefined;
}

export interface Discovery {
  /** Sorted by node name. */
  readonly targets: readonly KubeletTarget[];
  readonly failures: readonly ItemFailure[];
  readonly diagnostics: readonly DiagnosticInput[];
}

const hostnameAddressType = 'Hostname';

export function discoverTargets(nodes: readonly NodeInfo[], options: DiscoveryOptions): Discovery {
  const targets: KubeletTarget[] = [];
  const failures: ItemFailure[] = [];
  const diagnostics: DiagnosticInput[] = [];
  for (const node of [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = nodeKey(node.name);
    if (!node.ready) {
      diagnostics.push({ key, stage: 'discovery', reason: 'node-not-ready', node: node.name, detail: `node ${node.name} is not Ready; its kubelet was not scraped` });
      continue;
    }
    const address = preferredAddress(node, options.addressTypes);
    if (address === undefined) {
      const has = node.addresses.map((entry) => `${entry.type}=${entry.address}`).join(', ') || 'none';
      failures.push({
        key,
        node: node.name,
        reason: 'node-no-address',
        detail: `node ${node.name} has no address of type ${options.addressTypes.join(', ')} (it has ${has}); set addressTypes`,
      });
      continue;
    }
    const hostId = node.providerId !== '' ? node.providerId : options.hostIdAnnotation ? (node.annotations[options.hostIdAnnotation] ?? '') : '';
    targets.push({
      nodeName: node.name,
      hostname: node.addresses.find((entry) => entry.type === hostnameAddressType && entry.address !== '')?.address ?? node.name,
      hostId,
      host: address,
      port: options.useNodeStatusPort ? (node.kubeletPort ?? options.kubeletPort) : options.kubeletPort,
      https: options.https,
    });
  }
  return { targets, failures, diagnostics };
}

function preferredAddress(node: NodeInfo, addressTypes: readonly string[]): string | undefined {
  for (const type of addressTypes) {
    const found = node.addresses.find((entry) => entry.type === type && entry.address !== '');
    if (found) return found.address;
  }
  return undefined;
}
