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

/**
 * Keys recur every cycle and are parsed in a dozen places per cycle (merge, enrichers, aggregators, sink filters):
 * the results are memoised. The cache is dropped whole when it reaches this size (more keys than a 5,000-node
 * cluster has), so key churn cannot grow it without bound.
 */
const maxCachedKeys = 1 << 19;
const parsedKeys = new Map<string, ParsedKey | undefined>();

/** Parses a key built by the functions above; undefined for anything else. The result is shared: never mutate it. */
export function parseKey(key: string): ParsedKey | undefined {
  const cached = parsedKeys.get(key);
  if (cached !== undefined || parsedKeys.has(key)) return cached;
  if (parsedKeys.size >= maxCachedKeys) parsedKeys.clear();
  const parsed = parseKeyUncached(key);
  parsedKeys.set(key, parsed && Object.freeze(parsed));
  return parsed;
}

function parseKeyUncached(key: string): ParsedKey | undefined {
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
