/**
 * The rate processor: turns every cumulative counter of core's `rateDefinitions` into its rate, keeping the
 * previous sample of each series (set key + metric [+ labels such as `resource_id`]) across cycles, so a series
 * missing from one batch or a flipped duplicate never blanks a rate (Heapster compared with the previous batch only).
 * Hot path: each series' state record is updated in place and a changed set's metric map is copied once, so a
 * cycle allocates per counter only the rate value.
 */
import {
  abortReason,
  EntityTypes,
  entityTypeOfKey,
  LabelKeys,
  rateDefinitions,
  type DataBatch,
  type DiagnosticInput,
  type DiagnosticReason,
  type LabeledMetric,
  type MetricSet,
  type MetricValue,
  type ProcessResult,
  type Processor,
  type RateDefinition,
} from '@kubestats/core';
import { advanceCounter, RateStep, type RateOptions, type SeriesSample } from './counter-rate.js';

export interface RateProcessorOptions {
  /** A series unseen for this many consecutive cycles loses its state (`series-evicted`). */
  readonly maxUnseenCycles: number;
  /** A first sample of a pod or container that started at most this long ago gets a rate from its start. */
  readonly freshContainerWindowMs: number;
  /** Start-time moves smaller than this are jitter, not restarts. */
  readonly startTimeToleranceMs: number;
}

/** The largest epoch milliseconds a Date can hold (ECMAScript time range). */
const maxDateMs = 8.64e15;

/** One series: its last good sample (updated in place) and when it was last seen. */
interface SeriesState extends SeriesSample {
  readonly metricName: string;
  lastSeenCycle: number;
}

/** The unlabeled rate definitions (all but disk I/O), looked up by name in each set's metric map. */
const unlabeledRates = rateDefinitions.filter(({ input }) => !input.labeled);
const labeledRates = rateDefinitions.filter(({ input }) => input.labeled);
const labeledRateInputs = new Set(labeledRates.map(({ input }) => input.name));

/** Whether the set carries a labeled counter (the summary endpoint sends none: its sets skip the labeled pass). */
function hasLabeledCounter(set: MetricSet): boolean {
  for (const metric of set.labeledMetrics) if (labeledRateInputs.has(metric.name)) return true;
  return false;
}

/** A copy of a metric map; a for-of loop copies faster than `new Map(map)`'s generic iterable path on Node 20. */
function copyMetricValues(source: ReadonlyMap<string, MetricValue>): Map<string, MetricValue> {
  const copy = new Map<string, MetricValue>();
  for (const [name, value] of source) copy.set(name, value);
  return copy;
}

/** Collects diagnostics per (key, reason), so a set with nine first samples yields one line naming all nine. */
class DiagnosticCollector {
  readonly #byKey = new Map<string, Map<DiagnosticReason, string[]>>();

  add(key: string, reason: DiagnosticReason, detail: string): void {
    let reasons = this.#byKey.get(key);
    if (!reasons) {
      reasons = new Map();
      this.#byKey.set(key, reasons);
    }
    const details = reasons.get(reason) ?? [];
    details.push(detail);
    reasons.set(reason, details);
  }

  toList(): DiagnosticInput[] {
    const out: DiagnosticInput[] = [];
    for (const [key, reasons] of this.#byKey) {
      for (const [reason, details] of reasons) out.push({ key, stage: 'rate', reason, detail: details.join('; ') });
    }
    return out;
  }
}

/**
 * Identity of a series within its set: the metric name, plus the sorted labels for a labeled metric. Unlabeled
 * counters (all but disk I/O) use the name itself, so the hot path builds no string.
 */
function seriesIdInSet(metricName: string, labels?: Readonly<Record<string, string>>): string {
  if (!labels) return metricName;
  const labelPart = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([metricName, labelPart]);
}

/** Pods and containers are the entities a first sample may get a rate for; the `type` label saves parsing the key. */
function isPodEntity(set: MetricSet): boolean {
  const entityType = set.labels[LabelKeys.type] ?? entityTypeOfKey(set.key);
  return entityType === EntityTypes.pod || entityType === EntityTypes.podContainer;
}

function seriesName(metricName: string, labels?: Readonly<Record<string, string>>): string {
  if (!labels || Object.keys(labels).length === 0) return metricName;
  const inner = Object.entries(labels)
    .map(([name, value]) => `${name}=${value}`)
    .sort()
    .join(',');
  return `${metricName}{${inner}}`;
}

export class RateProcessor implements Processor {
  readonly name = 'processor/rate';
  readonly #options: RateProcessorOptions;
  /** Rate options for pods and containers (a first sample of a fresh one gets a rate) and for everything else. */
  readonly #podRateOptions: RateOptions;
  readonly #otherRateOptions: RateOptions;
  /** set key -> series id within the set (see seriesIdInSet) -> state: no per-value key string is built. */
  readonly #series = new Map<string, Map<string, SeriesState>>();
  /** Reused by every advanceCounter call: what the last one found besides the rate. */
  readonly #step = new RateStep();
  #seriesCount = 0;
  #cycle = 0;

  constructor(options: RateProcessorOptions) {
    this.#options = options;
    const common = { freshWindowMs: options.freshContainerWindowMs, startTimeToleranceMs: options.startTimeToleranceMs };
    this.#podRateOptions = { ...common, freshAllowed: true };
    this.#otherRateOptions = { ...common, freshAllowed: false };
  }

  /** Number of series with state, for tests and self-metrics. */
  get seriesCount(): number {
    return this.#seriesCount;
  }

  process(batch: DataBatch, signal: AbortSignal): Promise<ProcessResult> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    this.#cycle += 1;
    const diagnostics = new DiagnosticCollector();
    const metricSets = new Map<string, MetricSet>();
    for (const [key, set] of batch.metricSets) {
      metricSets.set(key, this.#processSet(set, batch.timestampMs, diagnostics));
    }
    this.#evict(diagnostics);
    return Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets }, failures: [], diagnostics: diagnostics.toList() });
  }

  #processSet(set: MetricSet, batchTimestampMs: number, diagnostics: DiagnosticCollector): MetricSet {
    // A sample time outside the Date range (a garbage kubelet timestamp) would make the window overflow: use the batch time.
    const sampleTimeMs = set.scrapeTimeMs > 0 && set.scrapeTimeMs <= maxDateMs ? set.scrapeTimeMs : batchTimestampMs;
    const step = this.#step;
    let states: Map<string, SeriesState> | undefined;
    let rateOptions: RateOptions | undefined;
    /** The output copy of the set's metric map, made at the first rate (sets without one are shared). */
    let metricValues: Map<string, MetricValue> | undefined;
    let windowMs: number | undefined;
    let cpuWindowMs: number | undefined;

    for (const definition of unlabeledRates) {
      const { input, output } = definition;
      const value = set.metricValues.get(input.name);
      if (value === undefined) continue;
      // Looked up once per set with a counter. A map created here for a set whose readings are all refused stays
      // empty and is dropped by #evict this same cycle.
      states ??= this.#statesOf(set.key);
      rateOptions ??= isPodEntity(set) ? this.#podRateOptions : this.#otherRateOptions;
      const rate = this.#advance(set, states, definition, input.name, value, undefined, sampleTimeMs, rateOptions, diagnostics);
      if (rate === undefined) continue;
      // Rates go after the source's metrics (or replace one of the same name), in rateDefinitions order.
      (metricValues ??= copyMetricValues(set.metricValues)).set(output.name, rate);
      windowMs ??= step.windowMs;
      if (output.unit === 'millicores') cpuWindowMs = step.windowMs;
    }

    let labeledMetrics = set.labeledMetrics;
    if (hasLabeledCounter(set)) {
      states ??= this.#statesOf(set.key);
      rateOptions ??= isPodEntity(set) ? this.#podRateOptions : this.#otherRateOptions;
      const rates: LabeledMetric[] = [];
      for (const definition of labeledRates) {
        for (const metric of set.labeledMetrics) {
          if (metric.name !== definition.input.name) continue;
          const id = seriesIdInSet(metric.name, metric.labels);
          const rate = this.#advance(set, states, definition, id, metric.value, metric.labels, sampleTimeMs, rateOptions, diagnostics);
          if (rate === undefined) continue;
          rates.push({ name: definition.output.name, labels: metric.labels, value: rate });
          windowMs ??= step.windowMs;
        }
      }
      if (rates.length > 0) {
        const replaced = new Set(rates.map((metric) => seriesIdInSet(metric.name, metric.labels)));
        labeledMetrics = [...set.labeledMetrics.filter((metric) => !replaced.has(seriesIdInSet(metric.name, metric.labels))), ...rates];
      }
    }
    if (metricValues === undefined && labeledMetrics === set.labeledMetrics) return set;

    const coveredMs = cpuWindowMs ?? windowMs;
    const values = metricValues ?? set.metricValues;
    // withChanges' spread written out: one copy of the set and no intermediate changes object.
    if (coveredMs === undefined) return { ...set, metricValues: values, labeledMetrics };
    return { ...set, metricValues: values, labeledMetrics, rateWindowMs: coveredMs };
  }

  /** The series states of a set, created empty when it has none. */
  #statesOf(setKey: string): Map<string, SeriesState> {
    let states = this.#series.get(setKey);
    if (!states) {
      states = new Map();
      this.#series.set(setKey, states);
    }
    return states;
  }

  /**
   * One reading of one series of `set` (`id` within the set, from seriesIdInSet; `labels` of a labeled metric):
   * advances its state, records any diagnostic, and returns the rate (undefined when none); `this.#step` holds its
   * window.
   */
  #advance(
    set: MetricSet,
    states: Map<string, SeriesState>,
    { input, output }: RateDefinition,
    id: string,
    reading: MetricValue,
    labels: Readonly<Record<string, string>> | undefined,
    sampleTimeMs: number,
    rateOptions: RateOptions,
    diagnostics: DiagnosticCollector,
  ): MetricValue | undefined {
    const step = this.#step;
    const value = reading.value;
    const state = states.get(id);
    const rate = advanceCounter(state, value, sampleTimeMs, set.collectionStartTimeMs, output, rateOptions, step);
    if (state) {
      state.lastSeenCycle = this.#cycle;
    } else if (step.stored) {
      states.set(id, { metricName: input.name, value, scrapeTimeMs: sampleTimeMs, startTimeMs: set.collectionStartTimeMs, lastSeenCycle: this.#cycle });
      this.#seriesCount++;
    }
    if (step.reason !== undefined) {
      diagnostics.add(set.key, step.reason, `${seriesName(input.name, labels)}: ${step.detail}`);
    }
    return rate;
  }

  #evict(diagnostics: DiagnosticCollector): void {
    for (const [setKey, states] of this.#series) {
      let evicted: Set<string> | undefined;
      for (const [id, state] of states) {
        if (this.#cycle - state.lastSeenCycle < this.#options.maxUnseenCycles) continue;
        states.delete(id);
        this.#seriesCount--;
        (evicted ??= new Set()).add(state.metricName);
      }
      if (states.size === 0) this.#series.delete(setKey);
      if (evicted) diagnostics.add(setKey, 'series-evicted', `unseen for ${this.#options.maxUnseenCycles} cycles: ${[...evicted].join(', ')}`);
    }
  }
}
