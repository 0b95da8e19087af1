/**
 * One object kind (nodes, pods or namespaces) kept current by a client-node list+watch informer. The informer
 * relists on 410 Gone and reconnects when a watch ends cleanly; on any other error it stops, so this wrapper
 * restarts it after a backoff on the injected clock.
 *
 * The informer caches a `CachedInfo` per object, not the object: its identity and version (all the informer reads)
 * and the converted info, made once per object version as the list or watch event arrives. The apiserver object is
 * garbage right after, so the cache of a large cluster (30,000 pods at 1,000 nodes) holds only what readers use, and
 * every major GC marks a fraction of what whole `V1Pod`s cost.
 */
import { errorMessage, type Clock, type Logger, type TimerHandle } from '@kubestats/core';
import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
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

/** What the informer caches per object: the identity and version its cache and watch read, and the converted info. */
export interface CachedInfo<I> extends KubernetesObject {
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly resourceVersion?: string };
  readonly info: I;
}

/** The informer's cache entry for `object`: its info converted once, and only the metadata the informer reads. */
export function cachedInfoOf<T extends KubernetesObject, I>(object: T, convert: (object: T) => I): CachedInfo<I> {
  const metadata = object.metadata;
  return {
    metadata: { name: metadata?.name, namespace: metadata?.namespace, resourceVersion: metadata?.resourceVersion },
    info: convert(object),
  };
}

/**
 * A watch that hands the informer cache entries instead of the objects of ADDED and MODIFIED events (the ones it
 * stores). DELETED objects are only looked up by name and dropped, so they pass through unconverted, as do ERROR
 * and BOOKMARK events.
 */
class ConvertingWatch<T extends KubernetesObject, I> extends Watch {
  readonly #convert: (object: T) => I;

  constructor(kubeConfig: KubeConfig, convert: (object: T) => I) {
    super(kubeConfig);
    this.#convert = convert;
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObject: unknown, watchObject?: unknown) => void,
    done: (error: unknown) => void,
  ): Promise<AbortController> {
    const converting = (phase: string, apiObject: unknown, watchObject?: unknown): void => {
      const stored = phase === 'ADDED' || phase === 'MODIFIED';
      callback(phase, stored ? cachedInfoOf(apiObject as T, this.#convert) : apiObject, watchObject);
    };
    return super.watch(path, queryParams, converting, done);
  }
}

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
  #informer: ListWatch<CachedInfo<I>> | undefined;
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
    return this.#informer?.get(name, namespace)?.info;
  }

  list(): readonly I[] {
    if (this.#listCache?.version !== this.#version) {
      const infos = (this.#informer?.list() ?? []).map((cached) => cached.info);
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

  #createInformer(): ListWatch<CachedInfo<I>> {
    const { convert, kubeConfig, path } = this.#options;
    const listAndMarkSynced = async (): Promise<KubernetesListObject<CachedInfo<I>>> => {
      const list = await this.#options.list();
      this.#synced = true;
      // Only the list's metadata (the resourceVersion to watch from) and the entries outlive this call.
      return { metadata: list.metadata, items: list.items.map((object) => cachedInfoOf(object, convert)) };
    };
    // As client-node's makeInformer, with the watch converting what it hands the cache.
    const informer = new ListWatch<CachedInfo<I>>(path, new ConvertingWatch(kubeConfig, convert), listAndMarkSynced, false);
    const changed = (): void => {
      if (informer === this.#informer) this.#version++;
    };
    informer.on('change', changed);
    informer.on('error', (error: unknown) => this.#onError(informer, error));
    return informer;
  }

  #onError(informer: ListWatch<CachedInfo<I>>, error: unknown): void {
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

  async #restart(informer: ListWatch<CachedInfo<I>>): Promise<void> {
    if (this.#stopped || informer !== this.#informer) return;
    const errorsBefore = this.#errorCount;
    await informer.start();
    if (this.#errorCount === errorsBefore) {
      this.#retryDelayMs = this.#options.retryDelayMs;
      this.#lastError = undefined;
    }
  }

  #stopInformer(informer: ListWatch<CachedInfo<I>>): void {
    informer.stop().catch((error: unknown) => {
      this.#options.logger.warn({ kind: this.kind, err: errorMessage(error) }, 'stopping informer failed');
    });
  }
}
