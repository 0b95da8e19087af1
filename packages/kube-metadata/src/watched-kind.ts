/**
 * One object kind (nodes, pods or namespaces) kept current by a client-node list+watch informer. The informer
 * relists on 410 Gone and reconnects when a watch ends cleanly; on any other error it stops, so this wrapper
 * restarts it after a backoff on the injected clock. Converted infos are cached per object, so readers pay the
 * conversion once per object version.
 */
import { errorMessage, type Clock, type Logger, type TimerHandle } from '@kubestats/core';
import {
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';

export interface WatchedKindOptions<T extends KubernetesObject, I> {
  /** `nodes`, `pods`, `namespaces`: names the kind in errors and logs. */
  readonly kind: string;
  /** Watch path, e.g. `/api/v1/nodes`. */
  readonly path: string;
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly convert: (object: T) => I;
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

type ListWatch<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

/** The kind-independent part, so the three kinds can be handled as one list. */
export interface WatchedKindControl {
  readonly kind: string;
  readonly synced: boolean;
  start(): Promise<void>;
  relist(): Promise<void>;
  stop(): void;
  describe(): string;
}

export class WatchedKind<T extends KubernetesObject, I> implements WatchedKindControl {
  readonly #options: WatchedKindOptions<T, I>;
  readonly #converted = new WeakMap<T, I>();
  #informer: ListWatch<T> | undefined;
  #synced = false;
  #stopped = false;
  #lastError: unknown;
  #errorCount = 0;
  #retryDelayMs: number;
  #retryTimer: TimerHandle | undefined;
  #scheduledDelayMs = 0;
  #version = 0;
  #listCache: { version: number; infos: readonly I[] } | undefined;

  constructor(options: WatchedKindOptions<T, I>) {
    this.#options = options;
    this.#retryDelayMs = options.retryDelayMs;
  }

  get kind(): string {
    return this.#options.kind;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** The latest list or watch error, until a restart succeeds. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Lists and starts watching; rejects with the list error if the initial list fails. */
  async start(): Promise<void> {
    this.#stopped = false;
    const informer = this.#createInformer();
    this.#informer = informer;
    let listError: unknown;
    const onInitialError = (error: unknown): void => {
      if (!this.#synced) listError = error ?? new Error('list failed');
    };
    informer.on('error', onInitialError);
    await informer.start();
    informer.off('error', onInitialError);
    if (!this.#synced) {
      this.#stopInformer(informer);
      throw listError instanceof Error ? listError : new Error(errorMessage(listError));
    }
  }

  /**
   * Lists from scratch into a new informer and swaps it in once listed, so readers never see a half-filled cache.
   * A failed relist keeps the current informer and is logged.
   */
  async relist(): Promise<void> {
    if (this.#stopped) return;
    const fresh = this.#createInformer();
    let failed: unknown;
    const onError = (error: unknown): void => {
      failed ??= error;
    };
    fresh.on('error', onError);
    await fresh.start();
    fresh.off('error', onError);
    if (failed !== undefined || this.#stopped) {
      this.#stopInformer(fresh);
      if (failed !== undefined) this.#options.logger.warn({ kind: this.kind, err: errorMessage(failed) }, 'resync relist failed');
      return;
    }
    const previous = this.#informer;
    this.#informer = fresh;
    this.#version++;
    if (previous) this.#stopInformer(previous);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer !== undefined) this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    if (this.#informer) this.#stopInformer(this.#informer);
  }

  get(name: string, namespace?: string): I | undefined {
    const object = this.#informer?.get(name, namespace);
    return object === undefined ? undefined : this.#convert(object);
  }

  list(): readonly I[] {
    if (this.#listCache?.version !== this.#version) {
      const infos = (this.#informer?.list() ?? []).map((object) => this.#convert(object));
      this.#listCache = { version: this.#version, infos };
    }
    return this.#listCache.infos;
  }

  /** `watching (12 objects)`, `retrying in 4000 ms after: …`. */
  describe(): string {
    if (this.#retryTimer !== undefined) return `retrying in ${this.#scheduledDelayMs} ms after: ${errorMessage(this.#lastError)}`;
    if (!this.#synced) return 'not listed yet';
    return `watching (${this.list().length} objects)`;
  }

  #convert(object: T): I {
    let info = this.#converted.get(object);
    if (info === undefined) {
      info = this.#options.convert(object);
      this.#converted.set(object, info);
    }
    return info;
  }

  #createInformer(): ListWatch<T> {
    const listAndMarkSynced = async (): Promise<KubernetesListObject<T>> => {
      const list = await this.#options.list();
      this.#synced = true;
      return list;
    };
    const informer = makeInformer<T>(this.#options.kubeConfig, this.#options.path, listAndMarkSynced);
    const changed = (): void => {
      if (informer === this.#informer) this.#version++;
    };
    informer.on('change', changed);
    informer.on('error', (error: unknown) => this.#onError(informer, error));
    return informer;
  }

  #onError(informer: ListWatch<T>, error: unknown): void {
    // Stopping aborts the watch request, which the informer reports as an error: not a failure.
    if (this.#stopped || informer !== this.#informer || !this.#synced) return;
    this.#errorCount++;
    this.#lastError = error;
    const delayMs = this.#retryDelayMs;
    this.#scheduledDelayMs = delayMs;
    this.#retryDelayMs = Math.min(delayMs * 2, this.#options.maxRetryDelayMs);
    this.#options.logger.warn({ kind: this.kind, err: errorMessage(error), retryInMs: delayMs }, 'watch failed; restarting');
    if (this.#retryTimer !== undefined) this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = this.#options.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#restart(informer);
    }, delayMs);
  }

  async #restart(informer: ListWatch<T>): Promise<void> {
    if (this.#stopped || informer !== this.#informer) return;
    const errorsBefore = this.#errorCount;
    await informer.start();
    if (this.#errorCount === errorsBefore) {
      this.#retryDelayMs = this.#options.retryDelayMs;
      this.#lastError = undefined;
    }
  }

  #stopInformer(informer: ListWatch<T>): void {
    informer.stop().catch((error: unknown) => {
      this.#options.logger.warn({ kind: this.kind, err: errorMessage(error) }, 'stopping informer failed');
    });
  }
}
