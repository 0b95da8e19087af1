/**
 * Kubernetes resource names to Heapster's request/limit metrics: `cpu` → `cpu/request` (millicores), `memory` →
 * `memory/request` (bytes), `ephemeral-storage` → `ephemeral_storage/request`, any other resource → `<resource>/request`.
 */
import { intValue, Metrics, type MetricDescriptor, type MetricValue, type ResourceList } from '@kubestats/core';

/** Kubernetes resource names (wire format of the API, not Heapster's). */
export const ResourceNames = { cpu: 'cpu', memory: 'memory', ephemeralStorage: 'ephemeral-storage' } as const;

interface StandardResource {
  readonly resource: string;
  readonly request: MetricDescriptor;
  readonly limit: MetricDescriptor;
}

/** The resources whose request and limit are always reported (0 when unset), as Heapster did. */
export const standardResources: readonly StandardResource[] = [
  { resource: ResourceNames.cpu, request: Metrics.cpuRequest, limit: Metrics.cpuLimit },
  { resource: ResourceNames.memory, request: Metrics.memoryRequest, limit: Metrics.memoryLimit },
  { resource: ResourceNames.ephemeralStorage, request: Metrics.ephemeralStorageRequest, limit: Metrics.ephemeralStorageLimit },
];

const requestSuffix = Metrics.cpuRequest.name.slice(Metrics.cpuRequest.name.indexOf('/'));

/** `cpu/request`, `memory/request`, … and every other requested resource as an int gauge. */
export function requestAndLimitMetrics(requests: ResourceList, limits: ResourceList): Map<string, MetricValue> {
  const out = new Map<string, MetricValue>();
  const standard = new Set<string>(standardResources.map((entry) => entry.resource));
  for (const [resource, quantity] of Object.entries(requests)) {
    if (!standard.has(resource)) out.set(`${resource}${requestSuffix}`, intValue(Math.round(quantity)));
  }
  for (const { resource, request, limit } of standardResources) {
    out.set(request.name, intValue(Math.round(requests[resource] ?? 0)));
    out.set(limit.name, intValue(Math.round(limits[resource] ?? 0)));
  }
  return out;
}
