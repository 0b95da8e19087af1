/**
 * The InfluxDB sink's options: Heapster's URI options (`influxdb:http://host:8086?db=k8s&withfields=true…`) plus
 * `rp`, `batchSize` and `timeout`. The one source for the config type, validation and docs.
 */
import { defineSchema, type ConfigOf } from '@kubestats/core';

export const influxdbConfigSchema = defineSchema({
  db: { type: 'string', default: 'k8s', description: 'Database to write to; created when missing.' },
  user: { type: 'string', default: 'root', description: 'User for HTTP basic auth.' },
  pw: { type: 'string', default: 'root', secret: true, description: 'Password for HTTP basic auth (never logged).' },
  rp: {
    type: 'string',
    default: 'default',
    description: 'Retention policy written to; created when missing (as the database default when the database is created too).',
  },
  retention: {
    type: 'duration',
    default: 0,
    description: 'Duration of the retention policy (e.g. 168h); 0 keeps data forever. Applied when the policy is created or differs.',
  },
  withfields: {
    type: 'boolean',
    default: false,
    description: 'Heapster withfields schema: measurement `cpu`, field `usage_rate` instead of measurement `cpu/usage_rate`, field `value`.',
  },
  cluster_name: { type: 'string', default: 'default', description: 'Value of the cluster_name tag on every point.' },
  secure: { type: 'boolean', default: false, description: 'Use HTTPS.' },
  insecuressl: { type: 'boolean', default: false, description: 'With HTTPS, do not verify the server certificate.' },
  concurrency: { type: 'int', default: 1, min: 1, max: 64, description: 'Write requests in flight per export.' },
  disable_counter_metrics: {
    type: 'boolean',
    default: false,
    description: 'Leave out the cumulative counters that rates are computed from (cpu/usage, network/rx, …).',
  },
  batchSize: { type: 'int', default: 10_000, min: 1, description: 'Points per write request.' },
  timeout: { type: 'duration', default: 30_000, minMs: 1, description: 'Timeout of one HTTP request to InfluxDB.' },
});

export type InfluxdbSinkConfig = ConfigOf<typeof influxdbConfigSchema>;
