/**
 * Converts apiserver objects (V1Node, V1Pod, V1Namespace) into core's NodeInfo/PodInfo/NamespaceInfo. Objects come in
 * two shapes: the typed client deserializes lists (timestamps as Date), while watch events carry raw JSON
 * (timestamps as RFC 3339 strings), so every reader here accepts both.
 */
import type { ContainerInfo, NamespaceInfo, NodeInfo, PodInfo } from '@kubestats/core';
import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';
import { resourceListFromQuantities } from './quantity.js';

/** Called with each quantity that does not parse, so the caller can log it once with the object's name. */
export type InvalidQuantityHandler = (object: string, resource: string, text: string) => void;

/** Epoch milliseconds of a Date or RFC 3339 string; 0 when absent or unparseable. */
export function timestampMs(value: Date | string | undefined | null): number {
  if (value === undefined || value === null) return 0;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}

export function nodeInfoFromObject(node: V1Node, onInvalid: InvalidQuantityHandler = () => undefined): NodeInfo {
  const name = node.metadata?.name ?? '';
  const report = (resource: string, text: string): void => onInvalid(`node ${name}`, resource, text);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  return {
    name,
    uid: node.metadata?.uid ?? '',
    labels: node.metadata?.labels ?? {},
    annotations: node.metadata?.annotations ?? {},
    addresses: (node.status?.addresses ?? []).map((address) => ({ type: address.type, address: address.address })),
    // Port 0 means "not reported" in the API (the field is an int32 with no omitempty).
    kubeletPort: typeof port === 'number' && port > 0 ? port : undefined,
    ready: node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false,
    unschedulable: node.spec?.unschedulable ?? false,
    providerId: node.spec?.providerID ?? '',
    capacity: resourceListFromQuantities(node.status?.capacity, report),
    allocatable: resourceListFromQuantities(node.status?.allocatable, report),
    creationTimeMs: timestampMs(node.metadata?.creationTimestamp),
  };
}

export function podInfoFromObject(pod: V1Pod, onInvalid: InvalidQuantityHandler = () => undefined): PodInfo {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((status) => [status.name, status]));
  const containers = (pod.spec?.containers ?? []).map((container): ContainerInfo => {
    const report = (resource: string, text: string): void =>
      onInvalid(`pod ${namespace}/${name} container ${container.name}`, resource, text);
    const status = statuses.get(container.name);
    return {
      name: container.name,
      image: container.image ?? '',
      requests: resourceListFromQuantities(container.resources?.requests, report),
      limits: resourceListFromQuantities(container.resources?.limits, report),
      restartCount: status?.restartCount ?? 0,
      containerId: status?.containerID === undefined || status.containerID === '' ? undefined : status.containerID,
    };
  });
  return {
    namespace,
    name,
    uid: pod.metadata?.uid ?? '',
    nodeName: pod.spec?.nodeName ?? '',
    labels: pod.metadata?.labels ?? {},
    phase: pod.status?.phase ?? 'Unknown',
    startTimeMs: timestampMs(pod.status?.startTime),
    creationTimeMs: timestampMs(pod.metadata?.creationTimestamp),
    containers,
  };
}

export function namespaceInfoFromObject(namespace: V1Namespace): NamespaceInfo {
  return {
    name: namespace.metadata?.name ?? '',
    uid: namespace.metadata?.uid ?? '',
    labels: namespace.metadata?.labels ?? {},
  };
}
