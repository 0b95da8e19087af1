/** Kubernetes `Status` objects for API errors, so kubectl and the HPA controller read our errors as they read the apiserver's. */
import type { FastifyReply } from 'fastify';

const reasonsByCode: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 500: 'InternalError', 503: 'ServiceUnavailable' };

export function kubeStatus(code: number, message: string, details?: { name?: string; group?: string; kind?: string }) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reasonsByCode[code] ?? 'Unknown',
    ...(details ? { details } : {}),
    code,
  };
}

export function sendStatus(reply: FastifyReply, code: number, message: string, details?: { name?: string; group?: string; kind?: string }) {
  return reply.code(code).type('application/json').send(kubeStatus(code, message, details));
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
