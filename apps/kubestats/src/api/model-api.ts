/**
 * Heapster's deprecated Model API (`/api/v1/model/...`, HEAPSTER-REFERENCE.md §7.2) for existing clients: entity
 * lists, metric names and series reaching back 15 minutes for the long-window metrics. Unlike Heapster it serves
 * signed values and floats as floats (its uint64 cast turned a negative rate into 1.8e19 and ratios into 0), and
 * lists nodes by the same name it looks them up by.
 */
import {
  clusterKey,
  EntityTypes,
  namespaceKey,
  nodeKey,
  parseKey,
  podContainerKey,
  podKey,
  systemContainerKey,
} from '@kubestats/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext, SeriesPoint } from './api-context.js';
import { toJsonText } from './json-text.js';
import { sendStatus } from './kube-status.js';

const base = '/api/v1/model';
const zeroTime = '0001-01-01T00:00:00Z';

/** Heapster's short metric names. */
const metricAliases: Readonly<Record<string, string>> = {
  'cpu-usage': 'cpu/usage_rate',
  'cpu-limit': 'cpu/limit',
  'memory-usage': 'memory/usage',
  'memory-limit': 'memory/limit',
  'memory-working': 'memory/working_set',
};

interface SeriesQuery {
  start?: string;
  end?: string;
  labels?: string;
}

type Range = { startMs?: number; endMs?: number };

/** A repeated or non-string query parameter is a 400 from fastify's validation. */
const seriesQuerySchema = {
  querystring: {
    type: 'object',
    properties: { start: { type: 'string' }, end: { type: 'string' }, labels: { type: 'string' } },
  },
} as const;

function parseTime(text: string | undefined, name: string): number | undefined | Error {
  if (text === undefined || text === '') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? new Error(`${name}: ${JSON.stringify(text)} is not an RFC 3339 time`) : ms;
}

function parseLabels(text: string | undefined): Record<string, string> | undefined | Error {
  if (text === undefined || text === '') return undefined;
  const labels: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) return new Error(`labels: ${JSON.stringify(pair)} is not key:value`);
    labels[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return labels;
}

function seriesBody(points: readonly SeriesPoint[]) {
  const latest = points.at(-1);
  return {
    metrics: points.map((point) => ({ timestamp: new Date(point.timestampMs).toISOString(), value: point.value.value })),
    latestTimestamp: latest ? new Date(latest.timestampMs).toISOString() : zeroTime,
  };
}

function seriesReply(context: ApiContext, key: string, metric: string, query: SeriesQuery, reply: FastifyReply) {
  const start = parseTime(query.start, 'start');
  const end = parseTime(query.end, 'end');
  const labels = parseLabels(query.labels);
  for (const problem of [start, end, labels]) {
    if (problem instanceof Error) return sendStatus(reply, 400, problem.message);
  }
  const range: Range = {};
  if (typeof start === 'number') range.startMs = start;
  if (typeof end === 'number') range.endMs = end;
  const points = context.store.series(key, metricAliases[metric] ?? metric, range, labels as Record<string, string> | undefined);
  return reply.type('application/json').send(toJsonText(seriesBody(points)));
}

function names(keys: readonly string[], pick: (key: string) => string | undefined): string[] {
  return [...new Set(keys.map(pick).filter((name): name is string => name !== undefined))].sort();
}

type Params = Record<string, string>;
type Handler = (request: FastifyRequest<{ Params: Params; Querystring: SeriesQuery }>, reply: FastifyReply) => unknown;

export function registerModelApi(app: FastifyInstance, context: ApiContext): void {
  const get = (path: string, handler: Handler) =>
    app.get<{ Params: Params; Querystring: SeriesQuery }>(`${base}${path}`, { schema: seriesQuerySchema }, handler);
  const metricOf = (params: Params) => params['*'] ?? '';
  const keys = () => context.store.keys();

  // An entity's metric names, and one metric's series, for a key built from the route parameters.
  const entityRoutes = (path: string, keyOf: (params: Params) => string) => {
    get(`${path}/metrics`, (request) => context.store.metricNames(keyOf(request.params)));
    get(`${path}/metrics/*`, (request, reply) => seriesReply(context, keyOf(request.params), metricOf(request.params), request.query, reply));
  };

  get('/debug/allkeys', () => keys().sort());
  entityRoutes('', () => clusterKey);
  get('/nodes', () => names(context.store.keys({ type: EntityTypes.node }), (key) => {
    const parsed = parseKey(key);
    return parsed?.type === EntityTypes.node ? parsed.nodeName : undefined;
  }));
  entityRoutes('/nodes/:node', (params) => nodeKey(params.node ?? ''));
  get('/nodes/:node/freecontainers', (request) =>
    names(context.store.keys({ type: EntityTypes.systemContainer, nodeName: request.params.node ?? '' }), (key) => {
      const parsed = parseKey(key);
      return parsed?.type === EntityTypes.systemContainer ? parsed.containerName : undefined;
    }),
  );
  entityRoutes('/nodes/:node/freecontainers/:container', (params) => systemContainerKey(params.node ?? '', params.container ?? ''));
  get('/namespaces', () => names(keys(), (key) => {
    const parsed = parseKey(key);
    return parsed && 'namespace' in parsed ? parsed.namespace : undefined;
  }));
  entityRoutes('/namespaces/:namespace', (params) => namespaceKey(params.namespace ?? ''));
  get('/namespaces/:namespace/pods', (request) =>
    names(context.store.keys({ namespace: request.params.namespace ?? '' }), (key) => {
      const parsed = parseKey(key);
      return parsed?.type === EntityTypes.pod || parsed?.type === EntityTypes.podContainer ? parsed.podName : undefined;
    }),
  );
  entityRoutes('/namespaces/:namespace/pods/:pod', (params) => podKey(params.namespace ?? '', params.pod ?? ''));
  get('/namespaces/:namespace/pods/:pod/containers', (request) =>
    names(context.store.keys({ type: EntityTypes.podContainer, namespace: request.params.namespace ?? '' }), (key) => {
      const parsed = parseKey(key);
      return parsed?.type === EntityTypes.podContainer && parsed.podName === request.params.pod ? parsed.containerName : undefined;
    }),
  );
  entityRoutes('/namespaces/:namespace/pods/:pod/containers/:container', (params) =>
    podContainerKey(params.namespace ?? '', params.pod ?? '', params.container ?? ''),
  );
  // The old HPA's batch route: one series per pod, in request order.
  get('/namespaces/:namespace/pod-list/:pods/metrics/*', (request, reply) => {
    const metric = metricOf(request.params);
    const items = (request.params.pods ?? '')
      .split(',')
      .slice(0, 1000)
      .map((pod) => seriesBody(context.store.series(podKey(request.params.namespace ?? '', pod), metricAliases[metric] ?? metric)));
    return reply.type('application/json').send(toJsonText({ items }));
  });
}
