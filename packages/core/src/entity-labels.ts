/**
 * Builders for the labels a source puts on node, system-container, pod and pod-container sets. Each shape is one
 * object literal with its keys written out, so V8 gives every labels object of a shape the same hidden class with
 * all properties stored in the object. Labels built with spreads and computed keys got a few in-object slots plus a
 * separate property array, and new hidden classes per node; every processor reads these labels through inline
 * caches, which stay fast only while they see few shapes. A label that is absent (no pod uid, no image) is left
 * out by choosing another literal, never stored as `undefined`. The keys must equal the `LabelKeys` spellings;
 * entity-labels.test.ts checks that they do.
 */
import { EntityTypes } from './label-keys.js';

/** What every set of a node carries: `nodename`, `hostname`, `host_id`. */
export interface NodeLabelValues {
  readonly nodeName: string;
  readonly hostname: string;
  readonly hostId: string;
}

/** A pod's identity labels; `podId` is `''` when the kubelet reported no uid, and the `pod_id` label is left out. */
export interface PodLabelValues {
  readonly podName: string;
  readonly namespace: string;
  readonly podId: string;
}

/** `nodename`, `hostname`, `host_id`, `type=node`. */
export function nodeLabelsOf(node: NodeLabelValues): Readonly<Record<string, string>> {
  return { nodename: node.nodeName, hostname: node.hostname, host_id: node.hostId, type: EntityTypes.node };
}

/** The node's labels, `type=sys_container`, `container_name`. */
export function systemContainerLabelsOf(
  node: NodeLabelValues,
  containerName: string,
): Readonly<Record<string, string>> {
  return {
    nodename: node.nodeName,
    hostname: node.hostname,
    host_id: node.hostId,
    type: EntityTypes.systemContainer,
    container_name: containerName,
  };
}

/** The node's labels, `pod_name`, `namespace_name`, `pod_id` (unless `podId` is `''`), `type=pod`. */
export function podLabelsOf(node: NodeLabelValues, pod: PodLabelValues): Readonly<Record<string, string>> {
  if (pod.podId === '') {
    return {
      nodename: node.nodeName,
      hostname: node.hostname,
      host_id: node.hostId,
      pod_name: pod.podName,
      namespace_name: pod.namespace,
      type: EntityTypes.pod,
    };
  }
  return {
    nodename: node.nodeName,
    hostname: node.hostname,
    host_id: node.hostId,
    pod_name: pod.podName,
    namespace_name: pod.namespace,
    pod_id: pod.podId,
    type: EntityTypes.pod,
  };
}

/**
 * The pod's labels with `type=pod_container`, `container_name`, and `container_base_image` when `baseImage` is given
 * (only the legacy `/stats/container` payload reports it; that rarer shape is the common literal plus one property,
 * which still gives its labels one hidden class).
 */
export function podContainerLabelsOf(
  node: NodeLabelValues,
  pod: PodLabelValues,
  containerName: string,
  baseImage?: string,
): Readonly<Record<string, string>> {
  const labels = podContainerLabels(node, pod, containerName);
  return baseImage === undefined ? labels : { ...labels, container_base_image: baseImage };
}

function podContainerLabels(node: NodeLabelValues, pod: PodLabelValues, containerName: string): Record<string, string> {
  if (pod.podId === '') {
    return {
      nodename: node.nodeName,
      hostname: node.hostname,
      host_id: node.hostId,
      pod_name: pod.podName,
      namespace_name: pod.namespace,
      type: EntityTypes.podContainer,
      container_name: containerName,
    };
  }
  return {
    nodename: node.nodeName,
    hostname: node.hostname,
    host_id: node.hostId,
    pod_name: pod.podName,
    namespace_name: pod.namespace,
    pod_id: pod.podId,
    type: EntityTypes.podContainer,
    container_name: containerName,
  };
}

/** `resource_id`: the labels of a labeled metric such as `filesystem/usage` (callers cache and freeze them). */
export function resourceLabelsOf(resourceId: string): Readonly<Record<string, string>> {
  return { resource_id: resourceId };
}
