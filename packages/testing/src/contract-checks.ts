/**
 * The plugin contract (core's contracts.ts) as plain check functions. Each throws an Error naming the plugin and
 * the broken rule, so the vitest suites in contract-suites.ts are thin wrappers and the checks themselves can be
 * tested against deliberately bad plugins.
 */
import {
  abortReason,
  isDiagnosticReason,
  parseOptions,
  silentLogger,
  type ClusterMetadata,
  type ComponentHealth,
  type DataBatch,
  type DiagnosticStage,
  type ExportResult,
  type ItemFailure,
  type LabeledMetric,
  type PluginFactory,
  type PluginKind,
  type ConfigSchema,
  type DiagnosticInput,
} from '@kubestats/core';
import { findBatchDifference, snapshotBatch } from './batch-mutation.js';
import { FakeClock } from './fake-clock.js';

/** What every component has: the lifecycle half of the contract. */
export interface ContractComponent {
  readonly name: string;
  start?(signal: AbortSignal): Promise<void>;
  stop?(): Promise<void>;
  health?(): ComponentHealth;
}

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/** Shape checks that do not narrow: narrowing a typed value with isArray/instanceof would widen it to any. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}

function isMap(value: unknown): boolean {
  return value instanceof Map;
}

function fail(subject: string, rule: string): never {
  throw new ContractViolation(`${subject}: ${rule}`);
}

/** Kept in step with core's DiagnosticStage by the `satisfies` below. */
const diagnosticStages = new Set<string>(
  Object.keys({
    discovery: true,
    scrape: true,
    decode: true,
    dedupe: true,
    rate: true,
    enrich: true,
    aggregate: true,
    export: true,
    pipeline: true,
  } satisfies Record<DiagnosticStage, true>),
);

export function checkName(component: ContractComponent): void {
  if (typeof component.name !== 'string' || component.name.trim() === '') {
    fail(String(component.name), 'name must be a non-empty string (it labels logs, self-metrics and diagnostics)');
  }
}

/** stop() twice on a fresh instance, never started: both must resolve. */
export async function checkStopIdempotent(component: ContractComponent): Promise<void> {
  if (!component.stop) return;
  for (const attempt of ['first', 'second']) {
    try {
      await component.stop();
    } catch (error) {
      throw new ContractViolation(`${component.name}: ${attempt} stop() without start() rejected; stop() must be idempotent and safe without start()`, { cause: error });
    }
  }
}

export interface PromptnessOptions {
  /** Event-loop turns (setImmediate) the call may take to settle; no wall-clock time is involved. */
  readonly turns?: number;
}

type Settlement = { readonly state: 'pending' } | { readonly state: 'resolved'; readonly value: unknown } | { readonly state: 'rejected'; readonly error: unknown };

async function settleWithin(promise: Promise<unknown>, turns: number): Promise<Settlement> {
  let settlement: Settlement = { state: 'pending' };
  promise.then(
    (value: unknown) => {
      settlement = { state: 'resolved', value };
    },
    (error: unknown) => {
      settlement = { state: 'rejected', error };
    },
  );
  for (let turn = 0; turn < turns && settlement.state === 'pending'; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return settlement;
}

function causeChainIncludes(error: unknown, wanted: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 10; depth++) {
    if (current === wanted) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/**
 * Calls `call` with an already-aborted signal: it must reject within a few event-loop turns with the signal's reason
 * (or an error whose `cause` chain holds it), not hang and not resolve.
 */
export async function checkRejectsWhenAborted(
  subject: string,
  call: (signal: AbortSignal) => Promise<unknown>,
  options: PromptnessOptions = {},
): Promise<void> {
  const turns = options.turns ?? 50;
  const controller = new AbortController();
  const reason = new Error(`contract test: ${subject} was aborted before the call`);
  controller.abort(reason);
  let promise: Promise<unknown>;
  try {
    promise = call(controller.signal);
  } catch (error) {
    throw new ContractViolation(`${subject}: threw synchronously on an aborted signal instead of returning a rejected promise`, { cause: error });
  }
  const settlement = await settleWithin(promise, turns);
  if (settlement.state === 'pending') {
    fail(subject, `did not settle within ${turns} event-loop turns of an already-aborted signal; it must reject promptly with the signal's reason`);
  }
  if (settlement.state === 'resolved') fail(subject, "resolved despite an already-aborted signal; it must reject with the signal's reason");
  if (!causeChainIncludes(settlement.error, abortReason(controller.signal))) {
    throw new ContractViolation(`${subject}: rejected with ${String(settlement.error)} instead of the signal's reason`, { cause: settlement.error });
  }
}

function checkFailureFields(subject: string, where: string, item: ItemFailure | DiagnosticInput): void {
  const record = item as unknown as Record<string, unknown>;
  if (typeof record.key !== 'string' || record.key === '') fail(subject, `${where}.key must be a non-empty string`);
  if (typeof record.reason !== 'string' || !isDiagnosticReason(record.reason)) {
    fail(subject, `${where}.reason ${JSON.stringify(record.reason)} is not in core's diagnostic vocabulary`);
  }
  if (typeof record.detail !== 'string' || record.detail.trim() === '') fail(subject, `${where}.detail must be a non-empty string naming the culprit`);
  if (record.node !== undefined && typeof record.node !== 'string') fail(subject, `${where}.node must be a string when present`);
}

/** Every failure and diagnostic has a non-empty key and detail and a reason from core's closed vocabulary. */
export function checkFailuresWellFormed(
  subject: string,
  result: { readonly failures: readonly ItemFailure[]; readonly diagnostics?: readonly DiagnosticInput[] },
): void {
  if (!isArray(result.failures)) fail(subject, 'result.failures must be an array');
  result.failures.forEach((failure, index) => checkFailureFields(subject, `failures[${index}]`, failure));
  if (result.diagnostics === undefined) return;
  if (!isArray(result.diagnostics)) fail(subject, 'result.diagnostics must be an array');
  result.diagnostics.forEach((diagnostic, index) => {
    checkFailureFields(subject, `diagnostics[${index}]`, diagnostic);
    if (!diagnosticStages.has(diagnostic.stage)) fail(subject, `diagnostics[${index}].stage ${JSON.stringify(diagnostic.stage)} is not a DiagnosticStage`);
  });
}

function checkTime(subject: string, where: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(subject, `${where} must be a finite, non-negative number of epoch ms`);
}

function checkLabels(subject: string, where: string, labels: unknown): void {
  if (typeof labels !== 'object' || labels === null || labels instanceof Map) fail(subject, `${where} must be a plain object`);
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') fail(subject, `${where}[${JSON.stringify(key)}] must be a string, got ${typeof value}`);
  }
}

function checkMetricValue(subject: string, where: string, value: unknown): void {
  const record = value as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null) fail(subject, `${where} must be a MetricValue`);
  if (record.type !== 'cumulative' && record.type !== 'gauge') fail(subject, `${where}.type must be cumulative or gauge`);
  if (record.kind === 'int') {
    if (typeof record.value !== 'bigint') fail(subject, `${where} is an int MetricValue, so its value must be a bigint`);
  } else if (record.kind === 'float') {
    if (typeof record.value !== 'number' || !Number.isFinite(record.value)) fail(subject, `${where} is a float MetricValue, so its value must be a finite number`);
  } else {
    fail(subject, `${where}.kind must be int or float`);
  }
}

/** The batch has the model's shape: Map of sets keyed by their own key, typed values, string labels, times. */
export function checkBatchWellFormed(subject: string, batch: DataBatch): void {
  if (typeof batch !== 'object' || batch === null) fail(subject, 'result.batch must be a DataBatch');
  checkTime(subject, 'batch.timestampMs', batch.timestampMs);
  if (!isMap(batch.metricSets)) fail(subject, 'batch.metricSets must be a Map');
  for (const [key, set] of batch.metricSets) {
    const where = `batch.metricSets[${JSON.stringify(key)}]`;
    if (typeof key !== 'string' || key === '') fail(subject, `${where}: keys must be non-empty strings`);
    if (set.key !== key) fail(subject, `${where}.key is ${JSON.stringify(set.key)}; a set is keyed by its own key`);
    checkLabels(subject, `${where}.labels`, set.labels);
    if (!isMap(set.metricValues)) fail(subject, `${where}.metricValues must be a Map`);
    for (const [name, value] of set.metricValues) checkMetricValue(subject, `${where}.metricValues[${JSON.stringify(name)}]`, value);
    const labeledMetrics: readonly LabeledMetric[] = set.labeledMetrics;
    if (!isArray(labeledMetrics)) fail(subject, `${where}.labeledMetrics must be an array`);
    labeledMetrics.forEach((metric, index) => {
      if (typeof metric.name !== 'string' || metric.name === '') fail(subject, `${where}.labeledMetrics[${index}].name must be non-empty`);
      checkLabels(subject, `${where}.labeledMetrics[${index}].labels`, metric.labels);
      checkMetricValue(subject, `${where}.labeledMetrics[${index}].value`, metric.value);
    });
    checkTime(subject, `${where}.collectionStartTimeMs`, set.collectionStartTimeMs);
    checkTime(subject, `${where}.entityCreateTimeMs`, set.entityCreateTimeMs);
    checkTime(subject, `${where}.scrapeTimeMs`, set.scrapeTimeMs);
  }
}

/** A scrape or process result: a well-formed batch plus well-formed failures and diagnostics. */
export function checkBatchResultWellFormed(
  subject: string,
  result: { readonly batch: DataBatch; readonly failures: readonly ItemFailure[]; readonly diagnostics: readonly DiagnosticInput[] },
): void {
  if (typeof result !== 'object' || result === null) fail(subject, 'must resolve with a result object');
  checkBatchWellFormed(subject, result.batch);
  if (!isArray(result.diagnostics)) fail(subject, 'result.diagnostics must be an array');
  checkFailuresWellFormed(subject, result);
}

export function checkExportResultWellFormed(subject: string, result: ExportResult): void {
  if (typeof result !== 'object' || result === null) fail(subject, 'export() must resolve with an ExportResult');
  for (const field of ['pointsWritten', 'pointsRejected'] as const) {
    const value: unknown = result[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(subject, `result.${field} must be a non-negative integer`);
  }
  if (result.pointsRejected > 0 && result.failures.length === 0) fail(subject, 'rejected points must come with a failure naming the cause');
  checkFailuresWellFormed(subject, result);
}

export function checkHealthWellFormed(component: ContractComponent): void {
  if (!component.health) return;
  const health = component.health();
  if (typeof health.ready !== 'boolean') fail(component.name, 'health().ready must be a boolean');
  if (typeof health.detail !== 'string') fail(component.name, 'health().detail must be a string');
}

/** Runs `call` on `input` and fails when the call changed anything reachable from the batch. */
export async function checkInputNotMutated<T>(subject: string, input: DataBatch, call: (batch: DataBatch) => Promise<T>): Promise<T> {
  const before = snapshotBatch(input);
  const result = await call(input);
  const difference = findBatchDifference(before, input);
  if (difference !== undefined) fail(subject, `mutated its input batch (${difference}); return a new batch and share what did not change`);
  return result;
}

export interface FactoryCheckOptions {
  /** Raw options for required settings without a default, as they would come from a URI query. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly target?: string;
  readonly metadata?: ClusterMetadata;
}

const pluginKinds = new Set<string>(['source', 'processor', 'sink'] satisfies PluginKind[]);
const callOfKind: Record<PluginKind, string> = { source: 'scrape', processor: 'process', sink: 'export' };

/**
 * The factory half of the contract: kind, URI type and description present, every option described, and `create()`
 * with default options returns an instance synchronously without I/O (no fetch, no timer on the clock).
 */
export function checkFactory<K extends PluginKind, S extends ConfigSchema>(
  factory: PluginFactory<K, S, unknown>,
  options: FactoryCheckOptions = {},
): void {
  const subject = `factory ${JSON.stringify(factory.type)}`;
  if (!pluginKinds.has(factory.kind)) fail(subject, `kind ${JSON.stringify(factory.kind)} must be source, processor or sink`);
  if (typeof factory.type !== 'string' || !/^[a-z][\w.-]*$/i.test(factory.type)) fail(subject, 'type must be a URI type such as influxdb or kubernetes.summary_api');
  if (typeof factory.description !== 'string' || factory.description.trim() === '') fail(subject, 'description must be a non-empty sentence');
  for (const [option, spec] of Object.entries(factory.configSchema)) {
    if (typeof spec.description !== 'string' || spec.description.trim() === '') fail(subject, `option ${option} needs a description`);
  }
  const parsed = parseOptions(factory.configSchema, options.options ?? {});
  if (!parsed.ok) {
    fail(subject, `default options do not validate (${parsed.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}); pass the required ones in options`);
  }
  const clock = new FakeClock();
  const fetchCalls: unknown[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (...args: Parameters<typeof fetch>) => {
    fetchCalls.push(args[0]);
    return Promise.reject(new Error('contract test: create() must not fetch'));
  };
  let instance: unknown;
  try {
    instance = factory.create({ config: parsed.config, target: options.target, logger: silentLogger, clock, metadata: options.metadata });
  } catch (error) {
    throw new ContractViolation(`${subject}: create() with default options threw`, { cause: error });
  } finally {
    globalThis.fetch = realFetch;
  }
  if (fetchCalls.length > 0) fail(subject, `create() fetched ${String(fetchCalls[0])}; I/O belongs in start() or the first call`);
  if (clock.pendingTimers > 0) fail(subject, 'create() set a timer; the host owns time');
  const record = instance as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null) fail(subject, 'create() must return the component');
  if (typeof record.then === 'function') fail(subject, 'create() must return the component synchronously, not a promise');
  checkName(record as unknown as ContractComponent);
  const call = callOfKind[factory.kind];
  if (typeof record[call] !== 'function') fail(subject, `a ${factory.kind} must have a ${call}() method`);
}
