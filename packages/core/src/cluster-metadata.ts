/**
 * A read-only view of the cluster's nodes, pods and namespaces, as the informer caches hold them. The app owns the
 * one implementation (@kubestats/kube-metadata) and hands it to the source and the enrichers, so each object kind
 * is watched once and no plugin makes API calls in the hot path.
 */

/** Resource quantities in base units: `cpu` in millicores, memory and storage in bytes, others as counted. */
export type ResourceList = Readonly<Record<string, number>>;

export interface NodeAddress {
  /** `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS`, `ExternalDNS`. */
  readonly type: string;
  readonly address: string;
}

export interface NodeInfo {
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly addresses: readonly NodeAddress[];
  /** `status.daemonEndpoints.kubeletEndpoint.Port`, when the node reports it. */
  readonly kubeletPort: number | undefined;
  readonly ready: boolean;
  readonly unschedulable: boolean;
  /** `spec.providerID` (Heapster's `host_id` came from `spec.externalID`, removed from the API). */
  readonly providerId: string;
  readonly capacity: ResourceList;
  readonly allocatable: ResourceList;
  readonly creationTimeMs: number;
}

export interface ContainerInfo {
  readonly name: string;
  readonly image: string;
  readonly requests: ResourceList;
  readonly limits: ResourceList;
  readonly restartCount: number;
  /** Runtime id from the status (`containerd://…`), when running. */
  readonly containerId: string | undefined;
}

export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`. */
  readonly phase: string;
  /** `status.startTime`, 0 when not started. */
  readonly startTimeMs: number;
  readonly creationTimeMs: number;
  /** Spec containers in spec order (init containers are not included). */
  readonly containers: readonly ContainerInfo[];
}

export interface NamespaceInfo {
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ClusterMetadata {
  /** True once the initial list of every kind has been received. */
  isSynced(): boolean;
  getNode(name: string): NodeInfo | undefined;
  listNodes(): readonly NodeInfo[];
  getPod(namespace: string, name: string): PodInfo | undefined;
  listPods(): readonly PodInfo[];
  getNamespace(name: string): NamespaceInfo | undefined;
  listNamespaces(): readonly NamespaceInfo[];
}

/** ClusterMetadata over fixed lists: for tests, static kubelet lists and the examples. */
export function staticClusterMetadata(objects: {
  nodes?: readonly NodeInfo[];
  pods?: readonly PodInfo[];
  namespaces?: readonly NamespaceInfo[];
}): ClusterMetadata {
  const nodes = objects.nodes ?? [];
  const pods = objects.pods ?? [];
  const namespaces = objects.namespaces ?? [];
  const nodesByName = new Map(nodes.map((node) => [node.name, node]));
  const podsByKey = new Map(pods.map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
  const namespacesByName = new Map(namespaces.map((namespace) => [namespace.name, namespace]));
  return {
    isSynced: () => true,
    getNode: (name) => nodesByName.get(name),
    listNodes: () => nodes,
    getPod: (namespace, name) => podsByKey.get(`${namespace}/${name}`),
    listPods: () => pods,
    getNamespace: (name) => namespacesByName.get(name),
    listNamespaces: () => namespaces,
  };
}
