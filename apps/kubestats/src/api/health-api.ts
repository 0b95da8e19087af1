/**
 * Health and self-metrics: `/healthz` (Heapster's rule with a resolution-scaled staleness limit), `/livez` (cycles
 * still firing on time), `/readyz` (first complete cycle done, with each sink's state) and `/metrics`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from './api-context.js';

export function registerHealthApi(app: FastifyInstance, context: ApiContext): void {
  const healthz = async (_request: unknown, reply: FastifyReply) => {
    const health = context.health();
    return reply.code(health.healthy ? 200 : 500).type('text/plain').send(health.healthy ? 'ok' : `healthz check failed: ${health.detail}`);
  };
  app.get('/healthz', healthz);
  app.get('/healthz/healthz', healthz);

  app.get('/livez', async (_request, reply) => {
    const health = context.health();
    return reply.code(health.live ? 200 : 500).type('text/plain').send(health.live ? 'ok' : `livez check failed: ${health.detail}`);
  });

  app.get('/readyz', async (_request, reply) => {
    const health = context.health();
    return reply.code(health.ready ? 200 : 503).send({
      ready: health.ready,
      healthy: health.healthy,
      detail: health.detail,
      cyclesCompleted: health.cyclesCompleted,
      latestBatchTime: health.latestBatchTimestampMs === undefined ? null : new Date(health.latestBatchTimestampMs).toISOString(),
      sinks: health.sinks.map((sink) => ({
        name: sink.name,
        ready: sink.ready,
        detail: sink.detail,
        queueDepth: sink.queueDepth,
        lastSuccess: sink.lastSuccessMs === undefined ? null : new Date(sink.lastSuccessMs).toISOString(),
        droppedBatches: sink.droppedBatches,
        droppedPoints: sink.droppedPoints,
      })),
    });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await context.registry.metrics();
    return reply.type(context.registry.contentType).send(text);
  });
}
