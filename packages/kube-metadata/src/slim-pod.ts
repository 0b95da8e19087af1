/**
 * Trims listed pods to the fields the informer and `podInfoFromObject` read, before the informer caches them.
 * The pods informer holds every pod of the cluster for the life of the process (30,000 at 1,000 nodes), and a fully
 * deserialized V1Pod (conditions, owner references, IPs, container states, the whole spec) is several times the
 * size of what kubestats uses: every byte of it is live heap that each major GC marks again.
 * Watch events (the pods that changed since the list) stay whole; the next relist trims them too.
 */
import type { KubernetesListObject, V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/**
 * The pod with only: metadata name, namespace, uid, resourceVersion (the informer's identity and version checks),
 * labels, creationTimestamp; spec nodeName and each container's name, image and resources; status phase, startTime
 * and each container status's name, restartCount and containerID.
 */
export function slimPod(pod: V1Pod): V1Pod {
  const { metadata, spec, status } = pod;
  const slim: V1Pod = {};
  if (metadata !== undefined) {
    slim.metadata = {
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      labels: metadata.labels,
      creationTimestamp: metadata.creationTimestamp,
    };
  }
  if (spec !== undefined) {
    slim.spec = { nodeName: spec.nodeName, containers: spec.containers.map(slimContainer) };
  }
  if (status !== undefined) {
    slim.status = {
      phase: status.phase,
      startTime: status.startTime,
      containerStatuses: status.containerStatuses?.map(slimContainerStatus),
    };
  }
  return slim;
}

/** The list with every item trimmed by `slimPod`; list metadata (the resourceVersion to watch from) kept. */
export function slimPodList(list: KubernetesListObject<V1Pod>): KubernetesListObject<V1Pod> {
  return { ...list, items: list.items.map(slimPod) };
}

function slimContainer(container: V1Container): V1Container {
  return { name: container.name, image: container.image, resources: container.resources };
}

function slimContainerStatus(status: V1ContainerStatus): V1ContainerStatus {
  // V1ContainerStatus requires these four; podInfoFromObject reads only name, restartCount and containerID.
  return {
    name: status.name,
    restartCount: status.restartCount,
    containerID: status.containerID,
    image: status.image,
    imageID: status.imageID,
    ready: status.ready,
  };
}
