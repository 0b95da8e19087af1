/**
 * Names the decoders emit that Heapster's catalogue does not define: the summary's `resource_id` values and the
 * kubelet's own instantaneous CPU reading.
 */

/** `resource_id` of a node's or container's root filesystem (Heapster's `RootFsKey`). */
export const rootResourceId = '/';
/** `resource_id` of a container's log filesystem (Heapster's `LogsKey`). */
export const logsResourceId = 'logs';
/** Prefix of a pod volume's `resource_id`: `Volume:<volumeName>` (Heapster's `VolumeResourcePrefix`). */
export const volumeResourcePrefix = 'Volume:';

/**
 * The kubelet's own `usageNanoCores` (its rate over its last housekeeping interval), kept beside our own
 * `cpu/usage_rate` under a name no Heapster consumer reads, so the two views can be compared. Gauge, nanocores.
 */
export const kubeletUsageNanoCoresMetric = 'cpu/usage_nanocores_kubelet';
