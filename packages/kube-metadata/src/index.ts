/** @kubestats/kube-metadata: informer-backed ClusterMetadata (nodes, pods, namespaces) over @kubernetes/client-node. */
export { createKubeMetadata, type KubeMetadata } from './kube-metadata.js';
export {
  kubeMetadataOptionsFromSourceUri,
  type HeapsterApiOptions,
  type KubeMetadataOptions,
} from './kube-metadata-options.js';
export { buildKubeConfig } from './kube-config.js';
export { namespaceInfoFromObject, nodeInfoFromObject, podInfoFromObject, timestampMs } from './metadata-from-objects.js';
export { parseCpuMillicores, parseQuantity, resourceListFromQuantities } from './quantity.js';
