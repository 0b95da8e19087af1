/**
 * GETs JSON from a running kubestats for `top` and `explain`, with a timeout, and turns a Kubernetes Status error
 * into an Error carrying its message (kubectl prints a Status the same way).
 */

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
  }
}

export async function fetchJson(url: string, timeoutMs = 10_000): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new ApiRequestError(`GET ${url}: ${cause} (is kubestats running there? set --server)`, undefined);
  }
  const body = await response.text();
  if (!response.ok) {
    let message = body.slice(0, 500);
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') message = status.message;
    } catch {
      // Not JSON: the raw body (capped above) is the best description there is.
    }
    throw new ApiRequestError(`GET ${url}: ${response.status}: ${message}`, response.status);
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new ApiRequestError(`GET ${url}: the response is not JSON: ${error instanceof Error ? error.message : String(error)}`, response.status);
  }
}
