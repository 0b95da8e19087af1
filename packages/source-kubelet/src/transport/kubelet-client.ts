/**
 * HTTP(S) to kubelets over one undici Agent: keep-alive connections reused across cycles, a per-kubelet timeout on
 * the injected clock (combined with the cycle signal), a streaming size cap, CA verification unless `insecure`, and
 * the bearer token on HTTPS. Every failure is a ScrapeError with a precise reason and a message naming the kubelet;
 * only the cycle signal's abort escapes as its own reason. A connection reset before any response (what a kept-alive
 * socket to a kubelet that died or restarted gets) is retried once on a fresh connection, so a dead kubelet is
 * reported as refused every cycle, not as a network error on the cycle that finds the old socket.
 */
import { Agent, request } from 'undici';
import { abortReason, errorMessage, type Clock } from '@kubestats/core';
import { targetAddress, targetUrl, type KubeletTarget } from '../discovery/kubelet-target.js';
import { classifyTransportError, connectionResetCode } from './classify-transport-error.js';
import { ScrapeError } from './scrape-error.js';

export interface KubeletRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** JSON request body (the legacy `/stats/container` endpoint). */
  readonly body?: string;
  /** The kubelet authorization subresource the path needs, named in 401/403 hints (`nodes/stats`). */
  readonly rbacSubresource: string;
}

export interface KubeletClientOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** PEM CA bundle for kubelet certificates; undefined → Node's default roots. */
  readonly ca: string | undefined;
  /** False only with `insecure=true`. */
  readonly verifyTls: boolean;
  /** Returns the bearer token to send on HTTPS, or undefined for none. */
  readonly bearerToken: () => Promise<string | undefined>;
  /**
   * Sockets per kubelet. Default 1: the source makes one request per kubelet per cycle and the host never runs two
   * cycles of one source at once, so one kept-alive socket is reused every cycle.
   */
  readonly connectionsPerKubelet?: number;
}

/** Bytes of an error body quoted in the failure detail. */
const errorSnippetBytes = 256;

export class KubeletClient {
  readonly #options: KubeletClientOptions;
  readonly #agent: Agent;

  constructor(options: KubeletClientOptions) {
    this.#options = options;
    this.#agent = new Agent({
      connections: options.connectionsPerKubelet ?? 1,
      keepAliveTimeout: 60_000,
      // Our clock-driven timeout is the one that counts; these only back it up if the clock is not advancing.
      connectTimeout: options.timeoutMs * 2,
      headersTimeout: options.timeoutMs * 2,
      bodyTimeout: options.timeoutMs * 2,
      connect: { ...(options.ca === undefined ? {} : { ca: options.ca }), rejectUnauthorized: options.verifyTls },
    });
  }

  /** Fetches one body as text; rejects with a ScrapeError, or with the cycle signal's reason once it aborts. */
  async fetch(target: KubeletTarget, kubeletRequest: KubeletRequest, cycleSignal: AbortSignal): Promise<string> {
    const prefix = `kubelet ${targetAddress(target)}: ${kubeletRequest.method} ${kubeletRequest.path}`;
    if (cycleSignal.aborted) throw abortReason(cycleSignal);
    const { clock, timeoutMs } = this.#options;
    const timeout = new AbortController();
    const timer = clock.setTimeout(() => timeout.abort(new ScrapeError('scrape-timeout', `${prefix}: timeout after ${timeoutMs} ms`)), timeoutMs);
    const signal = AbortSignal.any([cycleSignal, timeout.signal]);
    try {
      return await this.#fetchBody(target, kubeletRequest, prefix, signal);
    } catch (error) {
      if (cycleSignal.aborted) throw abortReason(cycleSignal);
      if (timeout.signal.aborted) throw abortReason(timeout.signal);
      if (error instanceof RetriedAfterReset) {
        throw classifyTransportError(error.retryError, prefix, target.host, `after the kept-alive connection was reset (${error.resetCode})`);
      }
      throw classifyTransportError(error, prefix, target.host);
    } finally {
      clock.clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #fetchBody(target: KubeletTarget, kubeletRequest: KubeletRequest, prefix: string, signal: AbortSignal): Promise<string> {
    const headers: Record<string, string> = { accept: kubeletRequest.path.startsWith('/metrics') ? 'text/plain' : 'application/json' };
    if (kubeletRequest.body !== undefined) headers['content-type'] = 'application/json';
    const token = target.https ? await this.#options.bearerToken() : undefined;
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const url = targetUrl(target, kubeletRequest.path);
    const send = () =>
      request(url, {
        dispatcher: this.#agent,
        method: kubeletRequest.method,
        headers,
        ...(kubeletRequest.body === undefined ? {} : { body: kubeletRequest.body }),
        signal,
      });
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send();
    } catch (error) {
      const resetCode = signal.aborted ? undefined : connectionResetCode(error);
      if (resetCode === undefined) throw error;
      // undici has dropped the reset socket, so this goes out on a fresh connection: a kubelet that restarted
      // answers it, one that died refuses it. Both requests are reads, safe to send twice.
      try {
        response = await send();
      } catch (retryError) {
        throw new RetriedAfterReset(resetCode, retryError);
      }
    }
    const { statusCode, body } = response;
    if (statusCode < 200 || statusCode > 299) {
      const snippet = await readSnippet(body);
      if (statusCode === 401 || statusCode === 403) {
        const tokenHint =
          token === undefined
            ? target.https
              ? ' (no bearer token was sent: set useServiceAccount=true or tokenFile)'
              : ' (no bearer token is sent over plain HTTP: use kubeletHttps=true)'
            : '';
        throw new ScrapeError(
          'scrape-unauthorized',
          `${prefix}: HTTP ${statusCode} \u2014 check RBAC ${kubeletRequest.rbacSubresource} (get) for the token's identity${tokenHint}${snippet}`,
        );
      }
      throw new ScrapeError('scrape-http-error', `${prefix}: HTTP ${statusCode}${snippet}`);
    }
    const maxBytes = this.#options.maxResponseBytes;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      // dump() with no allowance closes the body without an unhandled 'error' event (destroy() would emit one).
      await body.dump({ limit: 0 });
      throw new ScrapeError('response-too-large', `${prefix}: body over ${maxBytes} bytes (Content-Length ${declared}); raise maxResponseBytes`);
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) {
        // Throwing out of the loop closes the body through the iterator.
        throw new ScrapeError('response-too-large', `${prefix}: body over ${maxBytes} bytes (stopped reading at ${received}); raise maxResponseBytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, received).toString('utf8');
  }
}

/** The retry after a reset failed too: classified by the retry's error, with the reset named beside it. */
class RetriedAfterReset extends Error {
  override readonly name = 'RetriedAfterReset';
  readonly resetCode: string;
  readonly retryError: unknown;

  constructor(resetCode: string, retryError: unknown) {
    super(`retry after ${resetCode} failed: ${errorMessage(retryError)}`, { cause: retryError });
    this.resetCode = resetCode;
    this.retryError = retryError;
  }
}

/** `: <first bytes of the body>` for error statuses, or '' when empty; the rest is discarded. */
async function readSnippet(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= errorSnippetBytes) break;
    }
  } catch (error) {
    // The status is what matters; the body read failing is reported beside it.
    return ` (error body unreadable: ${errorMessage(error)})`;
  }
  const text = Buffer.concat(chunks).subarray(0, errorSnippetBytes).toString('utf8').replace(/\s+/g, ' ').trim();
  return text === '' ? '' : `: ${text}`;
}
