/** `GET /api/v1/explain/namespaces/{ns}/pods/{pod}` and `/api/v1/explain/nodes/{node}`: the explain trail as JSON. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.js';
import { explainNode, explainPod } from './explain.js';

export function registerExplainApi(app: FastifyInstance, context: ApiContext): void {
  app.get<{ Params: { namespace: string; name: string } }>('/api/v1/explain/namespaces/:namespace/pods/:name', (request) =>
    explainPod(context, request.params.namespace, request.params.name),
  );
  app.get<{ Params: { name: string } }>('/api/v1/explain/nodes/:name', (request) => explainNode(context, request.params.name));
}
