/**
 * Heapster's metric-set keys (metrics/core/ms_keys.go). They are exposed by `/api/v1/model/debug/allkeys` and used by
 * the explain trail, so they are built and parsed only here.
 */
import { EntityTypes, type EntityType } from './label-keys.js';

export function nodeKey(nodeName: string): string {
  return `node:${nodeName}`;
}

export function systemContainerKey(nodeName: string, containerName: string): string {
  return `node:${nodeName}/container:${containerName}`;
}

export function podKey(namespace: string, podName: string): string {
  return `namespace:${namespace}/pod:${podName}`;
}

export function podContainerKey(namespace: string, podName: string, containerName: string): string {
  return `namespace:${namespace}/pod:${podName}/container:${containerName}`;
}

export function namespaceKey(namespace: string): string {
  return `namespace:${namespace}`;
}

export const clusterKey = 'cluster';

export type ParsedKey =
  | { readonly type: typeof EntityTypes.node; readonly nodeName: string }
  | { readonly type: typeof EntityTypes.systemContainer; readonly nodeName: string; readonly containerName: string }
  | { readonly type: typeof EntityTypes.pod; readonly namespace: string; readonly podName: string }
  | {
      readonly type: typeof EntityTypes.podContainer;
      readonly namespace: string;
      readonly podName: string;
      readonly containerName: string;
    }
  | { readonly type: typeof EntityTypes.namespace; readonly namespace: string }
  | { readonly type: typeof EntityTypes.cluster };

const keyPattern =
  /^(?:node:(?<node>[^/]+)(?:\/container:(?<sys>.+))?|namespace:(?<ns>[^/]+)(?:\/pod:(?<pod>[^/]+)(?:\/container:(?<container>.+))?)?|(?<cluster>cluster))$/;

/** Parses a key built by the functions above; undefined for anything else. */
export function parseKey(key: string): ParsedKey | undefined {
  const groups = keyPattern.exec(key)?.groups;
  if (!groups) return undefined;
  const { node, sys, ns, pod, container, cluster } = groups;
  if (cluster !== undefined) return { type: EntityTypes.cluster };
  if (node !== undefined) {
    return sys === undefined
      ? { type: EntityTypes.node, nodeName: node }
      : { type: EntityTypes.systemContainer, nodeName: node, containerName: sys };
  }
  if (ns === undefined) return undefined;
  if (pod === undefined) return { type: EntityTypes.namespace, namespace: ns };
  return container === undefined
    ? { type: EntityTypes.pod, namespace: ns, podName: pod }
    : { type: EntityTypes.podContainer, namespace: ns, podName: pod, containerName: container };
}

export function entityTypeOfKey(key: string): EntityType | undefined {
  return parseKey(key)?.type;
}
