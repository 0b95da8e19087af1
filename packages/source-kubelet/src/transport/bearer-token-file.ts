/**
 * The kubelet bearer token, read from a file (the service-account token or `tokenFile`). Bound service-account
 * tokens rotate on disk, so the file is re-read once its content is older than `refreshMs`. The token is never
 * logged or put in an error message.
 */
import { readFile } from 'node:fs/promises';
import { errorMessage, PermanentError, type Clock, type Logger } from '@kubestats/core';

export const serviceAccountTokenPath = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export class BearerTokenFile {
  readonly path: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #refreshMs: number;
  #token = '';
  #readAtMs = Number.NEGATIVE_INFINITY;

  constructor(path: string, clock: Clock, logger: Logger, refreshMs = 60_000) {
    this.path = path;
    this.#clock = clock;
    this.#logger = logger;
    this.#refreshMs = refreshMs;
  }

  /** Reads the token; a missing or empty file is a PermanentError naming the path. */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      throw new PermanentError(`kubelet bearer token: cannot read ${this.path}: ${errorMessage(error)}`, { cause: error });
    }
    const token = text.trim();
    if (token === '') throw new PermanentError(`kubelet bearer token: ${this.path} is empty`);
    this.#token = token;
    this.#readAtMs = this.#clock.now();
  }

  /** The current token, re-read when stale; a failed re-read keeps the previous token and is logged. */
  async current(): Promise<string> {
    if (this.#clock.now() - this.#readAtMs >= this.#refreshMs) {
      try {
        await this.load();
      } catch (error) {
        this.#readAtMs = this.#clock.now();
        this.#logger.warn({ path: this.path, err: errorMessage(error) }, 'kubelet bearer token re-read failed; keeping the previous one');
      }
    }
    return this.#token;
  }
}
