/**
 * The HTTP API on one port: metrics.k8s.io, Heapster's legacy metrics and model APIs, explain, health and
 * self-metrics. HTTPS when a certificate is given, with optional client-certificate auth. Request size and time are
 * bounded; malformed input gets a 400 with a message, never a crash.
 */
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.js';
import { registerExplainApi } from './explain-api.js';
import { registerHealthApi } from './health-api.js';
import { sendStatus } from './kube-status.js';
import { registerMetricsApi } from './metrics-api.js';
import { registerModelApi } from './model-api.js';

export interface ServerTlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** PEM CA bundle: when set, clients must present a certificate it signed. */
  readonly clientCa?: string | Buffer;
  /** Client certificate CNs allowed when clientCa is set; empty = any CN the CA signed. */
  readonly allowedUsers?: readonly string[];
}

export interface ApiServerOptions {
  readonly context: ApiContext;
  /** A pino logger (fastify needs pino's full interface: trace, fatal, level). */
  readonly logger?: FastifyBaseLogger;
  readonly tls?: ServerTlsOptions;
  readonly requestTimeoutMs?: number;
}

export function createApiServer(options: ApiServerOptions): FastifyInstance {
  const tls = options.tls;
  // With `https` fastify types the instance by its raw server; the routes do not care which one it is.
  const app = Fastify({
    ...(tls
      ? {
          https: {
            cert: tls.cert,
            key: tls.key,
            ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
          },
        }
      : {}),
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Scrapers poll these routes every few seconds; one log line per request would drown the pipeline's own logs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // Heapster's clients append slashes (`/nodes/`); bounded parameters keep a hostile path from costing memory.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1024 },
  }) as unknown as FastifyInstance;

  if (tls?.clientCa && tls.allowedUsers && tls.allowedUsers.length > 0) {
    const allowed = new Set(tls.allowedUsers);
    app.addHook('onRequest', async (request, reply) => {
      const socket = request.raw.socket as TLSSocket;
      const commonName = socket.getPeerCertificate?.().subject?.CN;
      const cn = Array.isArray(commonName) ? commonName[0] : commonName;
      if (cn === undefined || !allowed.has(cn)) {
        return sendStatus(reply, 403, `client certificate CN ${JSON.stringify(cn ?? '')} is not in --allowed_users`);
      }
      return undefined;
    });
  }

  app.setNotFoundHandler((request, reply) => sendStatus(reply, 404, `the server could not find the requested resource: ${request.method} ${request.url.split('?')[0]}`));
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const code = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // A 4xx is the client's mistake and its message says so; a 500 is ours and is logged with the route.
    if (code === 500) request.log.error({ err: error, url: request.url }, 'api request failed');
    return sendStatus(reply, code, code === 500 ? `internal error serving ${request.url.split('?')[0]}: ${error.message}` : error.message);
  });

  registerHealthApi(app, options.context);
  registerMetricsApi(app, options.context);
  registerModelApi(app, options.context);
  registerExplainApi(app, options.context);
  return app;
}
