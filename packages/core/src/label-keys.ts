/**
 * Heapster's label keys (metrics/core/labels.go) and the entity type values. They are wire formats: InfluxDB tags,
 * Kafka MetricsTags and dashboards use these exact spellings.
 */

export const LabelKeys = {
  type: 'type',
  nodename: 'nodename',
  hostname: 'hostname',
  hostId: 'host_id',
  schedulable: 'schedulable',
  podId: 'pod_id',
  podName: 'pod_name',
  namespaceName: 'namespace_name',
  namespaceId: 'namespace_id',
  containerName: 'container_name',
  containerBaseImage: 'container_base_image',
  labels: 'labels',
  resourceId: 'resource_id',
  make: 'make',
  model: 'model',
  acceleratorId: 'accelerator_id',
} as const;

export type LabelKey = (typeof LabelKeys)[keyof typeof LabelKeys];

/** Values of the `type` label. */
export const EntityTypes = {
  node: 'node',
  systemContainer: 'sys_container',
  pod: 'pod',
  podContainer: 'pod_container',
  namespace: 'ns',
  cluster: 'cluster',
} as const;

export type EntityType = (typeof EntityTypes)[keyof typeof EntityTypes];

const entityTypeValues = new Set<string>(Object.values(EntityTypes));

export function isEntityType(value: string): value is EntityType {
  return entityTypeValues.has(value);
}

/**
 * Heapster's `labels` label: object labels as sorted `key:value` strings joined by a separator, `""` when none.
 */
export function joinObjectLabels(
  labels: Readonly<Record<string, string>>,
  separator = ',',
  ignored: ReadonlySet<string> = new Set(),
): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!ignored.has(key)) parts.push(`${key}:${value}`);
  }
  return parts.sort().join(separator);
}
