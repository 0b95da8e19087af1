/**
 * The plugin contract. A Source scrapes a time window into a DataBatch, a Processor maps a DataBatch to a DataBatch,
 * a Sink exports a DataBatch and can be stopped. Each plugin package exports one factory; the app's component list is
 * the only place that knows them all.
 *
 * Rules every plugin follows (the contract suites in @kubestats/testing check them):
 * - `create()` does no I/O. `start()` (optional) connects and warms caches. `stop()` (optional) flushes, is
 *   idempotent and safe without `start()`. The host never calls one instance concurrently.
 * - One call per cycle: `scrape`, `process` or `export`. It resolves with its result plus `failures` for the items it
 *   could not handle, and `diagnostics` for what it skipped or chose; it rejects only when the whole call failed
 *   (retryable unless the error is a PermanentError), and promptly with the signal's reason once `signal` aborts.
 * - Batches are read-only across plugin boundaries: a processor returns a new batch and shares what it did not change.
 * - The host owns time: ticks, deadlines, retries, backoff and counting failures. Plugins never sleep or set intervals.
 */
import type { Clock } from './clock.js';
import type { ClusterMetadata } from './cluster-metadata.js';
import type { ConfigOf, ConfigSchema } from './config-schema.js';
import type { DiagnosticInput, DiagnosticReason } from './diagnostics.js';
import type { Logger } from './logger.js';
import type { DataBatch } from './metric-set.js';

/** The interval a scrape covers; `endMs` becomes the batch timestamp. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** One item a plugin call could not handle (a node it could not scrape, points a sink rejected). */
export interface ItemFailure {
  /** Metric-set key, node key (`node:<name>`), or the component's own name. */
  readonly key: string;
  readonly reason: DiagnosticReason;
  /** Names the culprit: `kubelet 10.0.0.7:10250: GET /stats/summary: timeout after 10000 ms`. */
  readonly detail: string;
  readonly node?: string;
  readonly cause?: unknown;
}

interface CallResult {
  readonly failures: readonly ItemFailure[];
  readonly diagnostics: readonly DiagnosticInput[];
}

export interface SourceResult extends CallResult {
  readonly batch: DataBatch;
}

export interface ProcessResult extends CallResult {
  readonly batch: DataBatch;
}

export interface ExportResult {
  /** Points the backend accepted. */
  readonly pointsWritten: number;
  /** Points permanently rejected (not retried); each cause is in `failures`. */
  readonly pointsRejected: number;
  readonly failures: readonly ItemFailure[];
}

export interface ComponentHealth {
  readonly ready: boolean;
  readonly detail: string;
}

interface Component {
  /** `source/kubelet`, `processor/rate`, `sink/influxdb`: used in logs, self-metrics and diagnostics. */
  readonly name: string;
  start?(signal: AbortSignal): Promise<void>;
  stop?(): Promise<void>;
  health?(): ComponentHealth;
}

export interface Source extends Component {
  scrape(window: TimeWindow, signal: AbortSignal): Promise<SourceResult>;
}

export interface Processor extends Component {
  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult>;
}

export interface Sink extends Component {
  export(batch: DataBatch, signal: AbortSignal): Promise<ExportResult>;
}

export type PluginKind = 'source' | 'processor' | 'sink';

/** What `create()` receives: the validated config plus the services the app provides. */
export interface PluginInit<C> {
  readonly config: C;
  /** The URL part of the plugin URI (`https://kubernetes.default`, `http://127.0.0.1:8086`), if any. */
  readonly target: string | undefined;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Informer-backed cluster view; present when the app runs with an apiserver. */
  readonly metadata: ClusterMetadata | undefined;
}

export interface PluginFactory<K extends PluginKind, S extends ConfigSchema, I> {
  readonly kind: K;
  /** The URI type: `kubernetes.summary_api`, `influxdb`, `memory`. */
  readonly type: string;
  /** One sentence for `kubestats components`. */
  readonly description: string;
  readonly configSchema: S;
  create(init: PluginInit<ConfigOf<S>>): I;
}

export type SourceFactory<S extends ConfigSchema = ConfigSchema> = PluginFactory<'source', S, Source>;
export type ProcessorFactory<S extends ConfigSchema = ConfigSchema> = PluginFactory<'processor', S, Processor>;
export type SinkFactory<S extends ConfigSchema = ConfigSchema> = PluginFactory<'sink', S, Sink>;

/** Builds a result with no failures or diagnostics. */
export function cleanResult(batch: DataBatch): ProcessResult {
  return { batch, failures: [], diagnostics: [] };
}
