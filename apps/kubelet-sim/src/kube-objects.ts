/**
 * Nodes, pods and namespaces as the Kubernetes API serves them (shapes follow the nri-kubernetes 1.28/1.35
 * fixtures): the apiserver lists and watches them, the kubelets' /pods serves the same pod objects. Objects are
 * cached per resource version, so a list of many pods costs one build per change, not per request.
 */
import { floorToSecond, type ClusterState, type SimNamespaceState, type SimNodeState, type SimPodState } from './cluster-state.js';
import { uidFrom } from './seeded-random.js';
import { rfc3339Seconds } from './time-format.js';

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

const podCache = new WeakMap<SimPodState, { rv: number; object: KubeObject }>();
const nodeCache = new WeakMap<SimNodeState, { rv: number; port: number; object: KubeObject }>();

export function cpuQuantity(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

export function memoryQuantity(bytes: number): string {
  if (bytes % (1024 * 1024 * 1024) === 0) return `${bytes / (1024 * 1024 * 1024)}Gi`;
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}Mi`;
  if (bytes % 1024 === 0) return `${bytes / 1024}Ki`;
  return String(bytes);
}

export function namespaceObject(ns: SimNamespaceState): KubeObject {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name: ns.name,
      uid: ns.uid,
      resourceVersion: String(ns.resourceVersion),
      creationTimestamp: rfc3339Seconds(ns.createdMs),
      labels: { 'kubernetes.io/metadata.name': ns.name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function nodeObject(state: ClusterState, node: SimNodeState, host: string): KubeObject {
  const cached = nodeCache.get(node);
  if (cached && cached.rv === node.resourceVersion && cached.port === node.kubeletPort) return cached.object;
  const created = rfc3339Seconds(node.createdMs);
  const heartbeat = rfc3339Seconds(state.startMs);
  const capacity = {
    cpu: cpuQuantity(node.cpuCapacityMillicores),
    'ephemeral-storage': '102626232Ki',
    'hugepages-2Mi': '0',
    memory: memoryQuantity(node.memoryCapacityBytes),
    pods: '110',
  };
  const allocatable = {
    ...capacity,
    cpu: cpuQuantity(node.cpuCapacityMillicores - 100),
    'ephemeral-storage': '94580335255',
    memory: memoryQuantity(node.memoryCapacityBytes - 1024 * 1024 * 1024),
  };
  const condition = (type: string, status: string, reason: string, message: string): Record<string, string> => ({
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: created,
    message,
    reason,
    status,
    type,
  });
  const object: KubeObject = {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: {
      name: node.name,
      uid: node.uid,
      resourceVersion: String(node.resourceVersion),
      creationTimestamp: created,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'sim.16xlarge',
        'topology.kubernetes.io/zone': `sim-zone-${node.index % 3}`,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: `10.${64 + ((node.index >> 8) & 63)}.${node.index & 255}.0/24`, podCIDRs: [`10.${64 + ((node.index >> 8) & 63)}.${node.index & 255}.0/24`] },
    status: {
      addresses: [
        { address: host, type: 'InternalIP' },
        { address: node.name, type: 'Hostname' },
      ],
      allocatable,
      capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: node.kubeletPort } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: node.uid,
        containerRuntimeVersion: 'containerd://1.7.13',
        kernelVersion: '6.1.0-sim',
        kubeProxyVersion: 'v1.29.2',
        kubeletVersion: 'v1.29.2',
        machineID: node.uid.replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: 'kubelet-sim',
        systemUUID: node.uid,
      },
    },
  };
  nodeCache.set(node, { rv: node.resourceVersion, port: node.kubeletPort, object });
  return object;
}

export function podObject(state: ClusterState, pod: SimPodState, host: string): KubeObject {
  const cached = podCache.get(pod);
  if (cached && cached.rv === pod.resourceVersion) return cached.object;
  const started = rfc3339Seconds(pod.startMs);
  const containerStatuses = pod.containers.map((c) => {
    const current = c.instances[c.instances.length - 1] ?? { startMs: c.originMs, containerId: '' };
    const previous = c.instances.length > 1 ? c.instances[c.instances.length - 2] : undefined;
    return {
      name: c.name,
      state: { running: { startedAt: rfc3339Seconds(current.startMs) } },
      lastState: previous
        ? {
            terminated: {
              exitCode: 137,
              reason: 'Error',
              startedAt: rfc3339Seconds(previous.startMs),
              finishedAt: rfc3339Seconds(current.startMs),
              containerID: `containerd://${previous.containerId}`,
            },
          }
        : {},
      ready: true,
      restartCount: c.instances.length - 1,
      image: c.image,
      imageID: `${c.image.split(':')[0] ?? c.image}@sha256:${current.containerId}`,
      containerID: `containerd://${current.containerId}`,
      started: true,
    };
  });
  const metadata: Record<string, unknown> = {
    name: pod.name,
    generateName: `${pod.ownerName}-`,
    namespace: pod.namespace,
    uid: pod.uid,
    resourceVersion: String(pod.resourceVersion),
    creationTimestamp: rfc3339Seconds(pod.createdMs),
    labels: { ...pod.labels },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: pod.ownerName, uid: uidFrom(state.shape.seed, 'replicaset', pod.namespace, pod.ownerName), controller: true, blockOwnerDeletion: true }],
  };
  if (pod.deletedMs !== undefined) {
    metadata.deletionTimestamp = rfc3339Seconds(floorToSecond(pod.deletedMs));
    metadata.deletionGracePeriodSeconds = 0;
  }
  const object: KubeObject = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata,
    spec: {
      containers: pod.containers.map((c) => ({
        name: c.name,
        image: c.image,
        resources: {
          limits: { cpu: cpuQuantity(c.cpuLimitMillicores), memory: memoryQuantity(c.memoryLimitBytes) },
          requests: { cpu: cpuQuantity(c.cpuRequestMillicores), memory: memoryQuantity(c.memoryRequestBytes) },
        },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      })),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      nodeName: pod.nodeName,
      securityContext: {},
      schedulerName: 'default-scheduler',
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: started },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: started },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: started },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: started },
      ],
      hostIP: host,
      hostIPs: [{ ip: host }],
      podIP: pod.podIp,
      podIPs: [{ ip: pod.podIp }],
      startTime: started,
      containerStatuses,
      qosClass: 'Burstable',
    },
  };
  podCache.set(pod, { rv: pod.resourceVersion, object });
  return object;
}
