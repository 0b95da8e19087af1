/**
 * Heapster's standard metric catalogue (metrics/core/metrics.go), defined once. Names are wire formats (InfluxDB
 * measurements, Kafka MetricsName, Model API paths). Units are the real ones: where Heapster's descriptors were
 * wrong (inodes as bytes, disk IO typed gauge, rates as `count`) the corrected unit is here and the wire value is
 * unchanged.
 */
import type { MetricType } from './metric-set.js';

export type MetricUnit =
  | 'nanoseconds'
  | 'milliseconds'
  | 'millicores'
  | 'bytes'
  | 'count'
  | 'per-second'
  | 'bytes-per-second'
  | 'percent'
  | 'ratio';

export interface MetricDescriptor {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly type: MetricType;
  readonly valueKind: 'int' | 'float';
  /** True for metrics carried as LabeledMetrics (with `resource_id` or accelerator labels). */
  readonly labeled: boolean;
  readonly description: string;
}

function metric(
  name: string,
  unit: MetricUnit,
  type: MetricType,
  valueKind: 'int' | 'float',
  description: string,
  labeled = false,
): MetricDescriptor {
  return { name, unit, type, valueKind, labeled, description };
}

export const Metrics = {
  uptime: metric('uptime', 'milliseconds', 'cumulative', 'int', 'Milliseconds since the container was started.'),
  cpuUsage: metric('cpu/usage', 'nanoseconds', 'cumulative', 'int', 'Cumulative CPU usage on all cores.'),
  cpuUsageRate: metric('cpu/usage_rate', 'millicores', 'gauge', 'int', 'CPU usage on all cores in millicores.'),
  cpuLoad: metric('cpu/load', 'count', 'gauge', 'int', 'CPU load average x1000 (legacy cAdvisor source only).'),
  cpuRequest: metric('cpu/request', 'millicores', 'gauge', 'int', 'CPU request (the guaranteed amount of resources).'),
  cpuLimit: metric('cpu/limit', 'millicores', 'gauge', 'int', 'CPU hard limit in millicores.'),
  memoryUsage: metric('memory/usage', 'bytes', 'gauge', 'int', 'Total memory usage, including cache.'),
  memoryWorkingSet: metric('memory/working_set', 'bytes', 'gauge', 'int', 'Working set: memory in use that is not easily dropped.'),
  memoryRss: metric('memory/rss', 'bytes', 'gauge', 'int', 'RSS memory usage.'),
  memoryCache: metric('memory/cache', 'bytes', 'gauge', 'int', 'Cache memory usage (legacy cAdvisor source only).'),
  memoryPageFaults: metric('memory/page_faults', 'count', 'cumulative', 'int', 'Number of page faults.'),
  memoryMajorPageFaults: metric('memory/major_page_faults', 'count', 'cumulative', 'int', 'Number of major page faults.'),
  memoryPageFaultsRate: metric('memory/page_faults_rate', 'per-second', 'gauge', 'float', 'Page faults per second.'),
  memoryMajorPageFaultsRate: metric('memory/major_page_faults_rate', 'per-second', 'gauge', 'float', 'Major page faults per second.'),
  memoryRequest: metric('memory/request', 'bytes', 'gauge', 'int', 'Memory request (the guaranteed amount of resources).'),
  memoryLimit: metric('memory/limit', 'bytes', 'gauge', 'int', 'Memory hard limit in bytes.'),
  networkRx: metric('network/rx', 'bytes', 'cumulative', 'int', 'Cumulative bytes received over the network.'),
  networkTx: metric('network/tx', 'bytes', 'cumulative', 'int', 'Cumulative bytes sent over the network.'),
  networkRxErrors: metric('network/rx_errors', 'count', 'cumulative', 'int', 'Cumulative errors while receiving.'),
  networkTxErrors: metric('network/tx_errors', 'count', 'cumulative', 'int', 'Cumulative errors while sending.'),
  networkRxRate: metric('network/rx_rate', 'bytes-per-second', 'gauge', 'float', 'Bytes received per second.'),
  networkTxRate: metric('network/tx_rate', 'bytes-per-second', 'gauge', 'float', 'Bytes sent per second.'),
  networkRxErrorsRate: metric('network/rx_errors_rate', 'per-second', 'gauge', 'float', 'Receive errors per second.'),
  networkTxErrorsRate: metric('network/tx_errors_rate', 'per-second', 'gauge', 'float', 'Send errors per second.'),
  ephemeralStorageUsage: metric('ephemeral_storage/usage', 'bytes', 'gauge', 'int', 'Ephemeral storage in use.'),
  ephemeralStorageRequest: metric('ephemeral_storage/request', 'bytes', 'gauge', 'int', 'Ephemeral storage request.'),
  ephemeralStorageLimit: metric('ephemeral_storage/limit', 'bytes', 'gauge', 'int', 'Ephemeral storage limit.'),
  restartCount: metric('restart_count', 'count', 'gauge', 'int', 'Container restart count (from the pod status).'),
  filesystemUsage: metric('filesystem/usage', 'bytes', 'gauge', 'int', 'Bytes used on a filesystem.', true),
  filesystemLimit: metric('filesystem/limit', 'bytes', 'gauge', 'int', 'Filesystem size in bytes.', true),
  filesystemAvailable: metric('filesystem/available', 'bytes', 'gauge', 'int', 'Bytes available on a filesystem.', true),
  filesystemInodes: metric('filesystem/inodes', 'count', 'gauge', 'int', 'Total inodes on a filesystem.', true),
  filesystemInodesFree: metric('filesystem/inodes_free', 'count', 'gauge', 'int', 'Free inodes on a filesystem.', true),
  diskIoReadBytes: metric('disk/io_read_bytes', 'bytes', 'cumulative', 'int', 'Cumulative bytes read from a device.', true),
  diskIoWriteBytes: metric('disk/io_write_bytes', 'bytes', 'cumulative', 'int', 'Cumulative bytes written to a device.', true),
  diskIoReadBytesRate: metric('disk/io_read_bytes_rate', 'bytes-per-second', 'gauge', 'float', 'Bytes read from a device per second.', true),
  diskIoWriteBytesRate: metric('disk/io_write_bytes_rate', 'bytes-per-second', 'gauge', 'float', 'Bytes written to a device per second.', true),
  acceleratorMemoryTotal: metric('accelerator/memory_total', 'bytes', 'gauge', 'int', 'Accelerator memory in bytes.', true),
  acceleratorMemoryUsed: metric('accelerator/memory_used', 'bytes', 'gauge', 'int', 'Accelerator memory in use.', true),
  acceleratorDutyCycle: metric('accelerator/duty_cycle', 'percent', 'gauge', 'int', 'Percent of time the accelerator was busy.', true),
  cpuNodeCapacity: metric('cpu/node_capacity', 'millicores', 'gauge', 'float', 'CPU capacity of a node.'),
  cpuNodeAllocatable: metric('cpu/node_allocatable', 'millicores', 'gauge', 'float', 'CPU allocatable of a node.'),
  memoryNodeCapacity: metric('memory/node_capacity', 'bytes', 'gauge', 'float', 'Memory capacity of a node.'),
  memoryNodeAllocatable: metric('memory/node_allocatable', 'bytes', 'gauge', 'float', 'Memory allocatable of a node.'),
  ephemeralStorageNodeCapacity: metric('ephemeral_storage/node_capacity', 'bytes', 'gauge', 'float', 'Ephemeral storage capacity of a node.'),
  ephemeralStorageNodeAllocatable: metric('ephemeral_storage/node_allocatable', 'bytes', 'gauge', 'float', 'Ephemeral storage allocatable of a node.'),
  cpuNodeUtilization: metric('cpu/node_utilization', 'ratio', 'gauge', 'float', 'CPU usage divided by node allocatable.'),
  memoryNodeUtilization: metric('memory/node_utilization', 'ratio', 'gauge', 'float', 'Memory usage divided by node allocatable.'),
  ephemeralStorageNodeUtilization: metric('ephemeral_storage/node_utilization', 'ratio', 'gauge', 'float', 'Ephemeral storage usage divided by node allocatable.'),
  cpuNodeReservation: metric('cpu/node_reservation', 'ratio', 'gauge', 'float', 'Summed CPU requests divided by node allocatable.'),
  memoryNodeReservation: metric('memory/node_reservation', 'ratio', 'gauge', 'float', 'Summed memory requests divided by node allocatable.'),
  ephemeralStorageNodeReservation: metric('ephemeral_storage/node_reservation', 'ratio', 'gauge', 'float', 'Summed ephemeral storage requests divided by node allocatable.'),
} as const satisfies Record<string, MetricDescriptor>;

export type StandardMetricId = keyof typeof Metrics;

export const metricCatalogue: readonly MetricDescriptor[] = Object.values(Metrics);

const byName = new Map(metricCatalogue.map((descriptor) => [descriptor.name, descriptor]));

export function metricDescriptor(name: string): MetricDescriptor | undefined {
  return byName.get(name);
}

/** A rate derived from a cumulative metric: `output = Δinput / Δt` (cpu: millicores, others: per second). */
export interface RateDefinition {
  readonly input: MetricDescriptor;
  readonly output: MetricDescriptor;
}

export const rateDefinitions: readonly RateDefinition[] = [
  { input: Metrics.cpuUsage, output: Metrics.cpuUsageRate },
  { input: Metrics.memoryPageFaults, output: Metrics.memoryPageFaultsRate },
  { input: Metrics.memoryMajorPageFaults, output: Metrics.memoryMajorPageFaultsRate },
  { input: Metrics.networkRx, output: Metrics.networkRxRate },
  { input: Metrics.networkTx, output: Metrics.networkTxRate },
  { input: Metrics.networkRxErrors, output: Metrics.networkRxErrorsRate },
  { input: Metrics.networkTxErrors, output: Metrics.networkTxErrorsRate },
  { input: Metrics.diskIoReadBytes, output: Metrics.diskIoReadBytesRate },
  { input: Metrics.diskIoWriteBytes, output: Metrics.diskIoWriteBytesRate },
];

/** Metrics that pod, namespace and cluster aggregation sum (Heapster's namespace/cluster list). */
export const aggregatedUsageMetrics: readonly MetricDescriptor[] = [
  Metrics.cpuUsageRate,
  Metrics.memoryUsage,
  Metrics.cpuRequest,
  Metrics.cpuLimit,
  Metrics.memoryRequest,
  Metrics.memoryLimit,
];

/** Metrics the node aggregator sums over a node's pods. */
export const nodeAggregatedMetrics: readonly MetricDescriptor[] = [
  Metrics.cpuRequest,
  Metrics.cpuLimit,
  Metrics.memoryRequest,
  Metrics.memoryLimit,
  Metrics.ephemeralStorageRequest,
  Metrics.ephemeralStorageLimit,
];

/** Prefix of custom (application) metrics: `custom/<name>`. */
export const customMetricPrefix = 'custom/';
