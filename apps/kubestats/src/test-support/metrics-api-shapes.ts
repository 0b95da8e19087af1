/**
 * The metrics.k8s.io/v1beta1 object shapes as the Kubernetes API defines them (k8s.io/metrics pkg/apis/metrics/
 * v1beta1/types.go), as zod schemas: tests validate every response against them, so what kubectl top and the HPA
 * decode is pinned. Quantities follow resource.Quantity's grammar, durations metav1.Duration's (Go), times
 * metav1.Time's (RFC 3339).
 */
import { z } from 'zod';

/** resource.Quantity: signed number, then a binary-SI, decimal-SI or exponent suffix. */
export const quantityPattern = /^[+-]?(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const goDurationPattern = /^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;
const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const quantity = z.string().regex(quantityPattern);
const resourceList = z.record(z.string(), quantity);
const time = z.string().regex(rfc3339Pattern);

const objectMeta = z.object({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  creationTimestamp: time,
  labels: z.record(z.string(), z.string()).optional(),
});

export const nodeMetricsSchema = z.strictObject({
  kind: z.literal('NodeMetrics'),
  apiVersion: z.literal('metrics.k8s.io/v1beta1'),
  metadata: objectMeta,
  timestamp: time,
  window: z.string().regex(goDurationPattern),
  usage: resourceList,
});

export const podMetricsSchema = z.strictObject({
  kind: z.literal('PodMetrics'),
  apiVersion: z.literal('metrics.k8s.io/v1beta1'),
  metadata: objectMeta.extend({ namespace: z.string().min(1) }),
  timestamp: time,
  window: z.string().regex(goDurationPattern),
  containers: z.array(z.strictObject({ name: z.string().min(1), usage: resourceList })),
});

const listMeta = z.object({ resourceVersion: z.string().optional() });

export const nodeMetricsListSchema = z.strictObject({
  kind: z.literal('NodeMetricsList'),
  apiVersion: z.literal('metrics.k8s.io/v1beta1'),
  metadata: listMeta,
  items: z.array(nodeMetricsSchema.omit({ kind: true, apiVersion: true })),
});

export const podMetricsListSchema = z.strictObject({
  kind: z.literal('PodMetricsList'),
  apiVersion: z.literal('metrics.k8s.io/v1beta1'),
  metadata: listMeta,
  items: z.array(podMetricsSchema.omit({ kind: true, apiVersion: true })),
});

export const statusSchema = z.object({
  kind: z.literal('Status'),
  apiVersion: z.literal('v1'),
  metadata: z.object({}),
  status: z.literal('Failure'),
  message: z.string().min(1),
  reason: z.string().min(1),
  code: z.number().int(),
});
