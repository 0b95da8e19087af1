/**
 * metrics.k8s.io/v1beta1 exactly as the Kubernetes API defines it (discovery, NodeMetrics and PodMetrics list/get,
 * label and field selectors, Status errors) so `kubectl top` and the HPA read it through an APIService; plus
 * Heapster's legacy `/apis/metrics/v1alpha1` shapes for old clients. Data: the latest batch of the memory sink.
 */
import { formatDurationMs } from '@kubestats/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from './api-context.js';
import { explainNode, explainPod } from './explain.js';
import { kubeTime, sendStatus } from './kube-status.js';
import { formatCpuQuantity, formatMemoryQuantity } from './quantity.js';
import { collectNodeUsage, collectPodUsage, type NodeUsage, type PodUsage } from './resource-usage.js';
import { matchesSelector, parseFieldSelector, parseLabelSelector, type Selector } from './selectors.js';

const group = 'metrics.k8s.io';
const version = 'v1beta1';
const groupVersion = `${group}/${version}`;

interface SelectorQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

/** A repeated or non-string selector is a 400 from fastify's validation, before any handler sees it. */
const selectorQuerySchema = {
  querystring: {
    type: 'object',
    properties: { labelSelector: { type: 'string' }, fieldSelector: { type: 'string' } },
  },
} as const;

function usageOf(cpuMillicores: number | undefined, memoryBytes: bigint | undefined): Record<string, string> {
  const usage: Record<string, string> = {};
  if (cpuMillicores !== undefined) usage.cpu = formatCpuQuantity(cpuMillicores);
  if (memoryBytes !== undefined) usage.memory = formatMemoryQuantity(memoryBytes);
  return usage;
}

function nodeMetrics(node: NodeUsage, nowMs: number) {
  return {
    metadata: { name: node.name, creationTimestamp: kubeTime(nowMs), labels: node.labels },
    timestamp: kubeTime(node.timestampMs),
    window: formatDurationMs(node.windowMs),
    usage: usageOf(node.cpuMillicores, node.memoryWorkingSetBytes),
  };
}

function podMetrics(pod: PodUsage, nowMs: number) {
  return {
    metadata: { name: pod.name, namespace: pod.namespace, creationTimestamp: kubeTime(nowMs), labels: pod.labels },
    timestamp: kubeTime(pod.timestampMs),
    window: formatDurationMs(pod.windowMs),
    containers: pod.containers.map((container) => ({
      name: container.name,
      usage: usageOf(container.cpuMillicores, container.memoryWorkingSetBytes),
    })),
  };
}

interface Selectors {
  readonly labels: Selector;
  readonly fields: Selector;
}

function parseSelectors(query: SelectorQuery, reply: FastifyReply): Selectors | undefined {
  const labels = parseLabelSelector(query.labelSelector);
  if (!labels.ok) {
    void sendStatus(reply, 400, `invalid labelSelector: ${labels.message}`);
    return undefined;
  }
  const fields = parseFieldSelector(query.fieldSelector);
  if (!fields.ok) {
    void sendStatus(reply, 400, `invalid fieldSelector: ${fields.message}`);
    return undefined;
  }
  return { labels: labels.selector, fields: fields.selector };
}

function selectNodes(context: ApiContext, selectors: Selectors): NodeUsage[] {
  return collectNodeUsage(context.store.latestBatch(), context.metadata, context.resolutionMs).filter(
    (node) =>
      node.cpuMillicores !== undefined &&
      node.memoryWorkingSetBytes !== undefined &&
      matchesSelector(selectors.labels, node.labels) &&
      matchesSelector(selectors.fields, { 'metadata.name': node.name }),
  );
}

function selectPods(context: ApiContext, selectors: Selectors, namespace: string | undefined): PodUsage[] {
  return collectPodUsage(context.store.latestBatch(), context.metadata, context.resolutionMs).filter(
    (pod) =>
      (namespace === undefined || pod.namespace === namespace) &&
      matchesSelector(selectors.labels, pod.labels) &&
      matchesSelector(selectors.fields, { 'metadata.name': pod.name, 'metadata.namespace': pod.namespace }),
  );
}

/** Where the metrics come from: one shape per API flavour. */
interface Flavour {
  readonly base: string;
  readonly list: (kind: 'NodeMetricsList' | 'PodMetricsList', items: unknown[]) => unknown;
  readonly item: (kind: 'NodeMetrics' | 'PodMetrics', item: Record<string, unknown>) => unknown;
}

const v1beta1: Flavour = {
  base: `/apis/${groupVersion}`,
  list: (kind, items) => ({ kind, apiVersion: groupVersion, metadata: {}, items }),
  item: (kind, item) => ({ kind, apiVersion: groupVersion, ...item }),
};

/** Heapster's v1alpha1: no kind/apiVersion, `items: null` when empty. */
const heapsterV1alpha1: Flavour = {
  base: '/apis/metrics/v1alpha1',
  list: (_kind, items) => ({ metadata: {}, items: items.length > 0 ? items : null }),
  item: (_kind, item) => item,
};

function registerFlavour(app: FastifyInstance, context: ApiContext, flavour: Flavour): void {
  app.get<{ Querystring: SelectorQuery }>(`${flavour.base}/nodes`, { schema: selectorQuerySchema }, (request, reply) => {
    const selectors = parseSelectors(request.query, reply);
    if (!selectors) return reply;
    const now = context.now();
    return flavour.list('NodeMetricsList', selectNodes(context, selectors).map((node) => nodeMetrics(node, now)));
  });

  app.get<{ Params: { name: string } }>(`${flavour.base}/nodes/:name`, (request, reply) => {
    const node = selectNodes(context, { labels: [], fields: [] }).find((candidate) => candidate.name === request.params.name);
    if (!node) {
      const report = explainNode(context, request.params.name);
      return sendStatus(reply, 404, `nodemetrics.${group} "${request.params.name}" not found: ${report.summary}`, {
        name: request.params.name, group, kind: 'nodes',
      });
    }
    return flavour.item('NodeMetrics', nodeMetrics(node, context.now()));
  });

  const listPods = (namespace: string | undefined) => (request: { query: SelectorQuery }, reply: FastifyReply) => {
    const selectors = parseSelectors(request.query, reply);
    if (!selectors) return reply;
    const now = context.now();
    return flavour.list('PodMetricsList', selectPods(context, selectors, namespace).map((pod) => podMetrics(pod, now)));
  };
  app.get<{ Querystring: SelectorQuery }>(`${flavour.base}/pods`, { schema: selectorQuerySchema }, (request, reply) => listPods(undefined)(request, reply));
  app.get<{ Querystring: SelectorQuery; Params: { namespace: string } }>(
    `${flavour.base}/namespaces/:namespace/pods`,
    { schema: selectorQuerySchema },
    (request, reply) =>
    listPods(request.params.namespace)(request, reply),
  );

  app.get<{ Params: { namespace: string; name: string } }>(`${flavour.base}/namespaces/:namespace/pods/:name`, (request, reply) => {
    const { namespace, name } = request.params;
    const pod = selectPods(context, { labels: [], fields: [] }, namespace).find((candidate) => candidate.name === name);
    if (!pod) {
      const report = explainPod(context, namespace, name);
      return sendStatus(reply, 404, `podmetrics.${group} "${namespace}/${name}" not found: ${report.summary}`, {
        name, group, kind: 'pods',
      });
    }
    return flavour.item('PodMetrics', podMetrics(pod, context.now()));
  });
}

export function registerMetricsApi(app: FastifyInstance, context: ApiContext): void {
  const versionEntry = { groupVersion, version };
  const apiGroup = { name: group, versions: [versionEntry], preferredVersion: versionEntry };
  app.get('/apis', () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: [apiGroup] }));
  app.get(`/apis/${group}`, () => ({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup }));
  app.get(`/apis/${groupVersion}`, () => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  }));
  registerFlavour(app, context, v1beta1);
  registerFlavour(app, context, heapsterV1alpha1);
}
