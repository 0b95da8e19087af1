/**
 * The options of the three kubelet sources (one schema, so `kubernetes`, `kubernetes.summary_api` and
 * `kubernetes.resource_metrics` accept the same URI). Heapster's names and defaults are kept as they were
 * (`kubeletPort=10255`, `host_id_annotation`); kubestats' additions are camelCase with units in their names.
 */
import { defineSchema, type ConfigOf } from '@kubestats/core';

export const defaultAddressTypes = ['InternalIP', 'Hostname', 'ExternalIP'] as const;

export const kubeletSourceConfigSchema = defineSchema({
  inClusterConfig: {
    type: 'boolean',
    default: true,
    description:
      "Heapster: reach the apiserver with the pod's service account (used by the app's cluster metadata). For the kubelets it also makes the service-account CA the default kubeletCaFile.",
  },
  auth: {
    type: 'string',
    description: 'Heapster: kubeconfig path for the apiserver when inClusterConfig=false (used by the app\u2019s cluster metadata).',
  },
  insecure: {
    type: 'boolean',
    default: false,
    description: 'Skip TLS verification of the apiserver and of kubelet HTTPS certificates. Logged once as a warning.',
  },
  kubeletPort: {
    type: 'int',
    default: 10255,
    min: 1,
    max: 65535,
    description: 'Kubelet port (Heapster default: the read-only 10255; use 10250 with kubeletHttps=true).',
  },
  kubeletHttps: { type: 'boolean', default: false, description: 'Scrape kubelets over HTTPS (certificate verified unless insecure=true).' },
  useServiceAccount: {
    type: 'boolean',
    default: false,
    description: 'Send the mounted service-account token (/var/run/secrets/kubernetes.io/serviceaccount/token) as the kubelet bearer token.',
  },
  tokenFile: {
    type: 'string',
    description: 'File holding the kubelet bearer token (re-read every minute, so rotated tokens are picked up). Sent over HTTPS only.',
  },
  kubeletCaFile: {
    type: 'string',
    description:
      'PEM bundle of the CA(s) that signed the kubelet serving certificates. Default: the service-account CA when inClusterConfig=true and it exists, else the system roots.',
  },
  host_id_annotation: {
    type: 'string',
    description: 'Node annotation read for the host_id label when the node has no spec.providerID (Heapster: summary source only).',
  },
  kubelets: {
    type: 'list',
    default: [],
    description: 'Static kubelet targets host[:port],… scraped without an apiserver; the node name and hostname are the host.',
  },
  addressTypes: {
    type: 'list',
    default: [...defaultAddressTypes],
    description: 'Node address types to scrape, in order of preference.',
  },
  useNodeStatusPort: {
    type: 'boolean',
    default: false,
    description: "Use each node's status.daemonEndpoints.kubeletEndpoint.Port instead of kubeletPort (falls back to kubeletPort).",
  },
  concurrency: { type: 'int', default: 20, min: 1, max: 1000, description: 'Kubelets scraped at the same time.' },
  timeoutMs: {
    type: 'duration',
    default: 10_000,
    minMs: 100,
    description: 'Per-kubelet timeout for connect, headers and body (Go duration such as 10s, or milliseconds).',
  },
  maxResponseBytes: {
    type: 'int',
    default: 50 * 1024 * 1024,
    min: 1024,
    description: 'Largest kubelet response read; a larger one is abandoned as response-too-large.',
  },
});

export type KubeletSourceConfig = ConfigOf<typeof kubeletSourceConfigSchema>;
