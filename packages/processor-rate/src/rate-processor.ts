/**
 * The rate processor: turns every cumulative counter of core's `rateDefinitions` into its rate, keeping the
 * previous sample of each series (set key + metric [+ labels such as `resource_id`]) across cycles, so a series
 * missing from one batch or a flipped duplicate never blanks a rate (Heapster compared with the previous batch only).
 */
import {
  abortReason,
  EntityTypes,
  entityTypeOfKey,
  LabelKeys,
  rateDefinitions,
  withChanges,
  type DataBatch,
  type DiagnosticInput,
  type DiagnosticReason,
  type LabeledMetric,
  type MetricDescriptor,
  type MetricSet,
  type MetricValue,
  type ProcessResult,
  type Processor,
} from '@kubestats/core';
import { evaluateSample, type CounterSample, type RateOptions } from './counter-rate.js';

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

interface SeriesState {
  readonly metricName: string;
  sample: CounterSample;
  lastSeenCycle: number;
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
  /** set key -> series id within the set (see seriesIdInSet) -> state: no per-value key string is built. */
  readonly #series = new Map<string, Map<string, SeriesState>>();
  #seriesCount = 0;
  #cycle = 0;

  constructor(options: RateProcessorOptions) {
    this.#options = options;
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
    let rateOptions: RateOptions | undefined;
    let states = this.#series.get(set.key);
    let rates: Map<string, MetricValue> | undefined;
    let labeledRates: LabeledMetric[] | undefined;
    let windowMs: number | undefined;
    let cpuWindowMs: number | undefined;

    const handle = (input: MetricDescriptor, output: MetricDescriptor, value: MetricValue, labels?: Readonly<Record<string, string>>): MetricValue | undefined => {
      rateOptions ??= {
        freshWindowMs: this.#options.freshContainerWindowMs,
        freshAllowed: isPodEntity(set),
        startTimeToleranceMs: this.#options.startTimeToleranceMs,
      };
      const id = seriesIdInSet(input.name, labels);
      const state = states?.get(id);
      const current: CounterSample = { value: value.value, scrapeTimeMs: sampleTimeMs, startTimeMs: set.collectionStartTimeMs };
      const outcome = evaluateSample(state?.sample, current, output, rateOptions);
      if (state) {
        state.lastSeenCycle = this.#cycle;
        if (outcome.store) state.sample = current;
      } else if (outcome.store) {
        if (!states) {
          states = new Map();
          this.#series.set(set.key, states);
        }
        states.set(id, { metricName: input.name, sample: current, lastSeenCycle: this.#cycle });
        this.#seriesCount++;
      }
      if (outcome.kind === 'skip') {
        diagnostics.add(set.key, outcome.reason, `${seriesName(input.name, labels)}: ${outcome.detail}`);
        return undefined;
      }
      if (outcome.restart) diagnostics.add(set.key, outcome.restart.reason, `${seriesName(input.name, labels)}: ${outcome.restart.detail}`);
      windowMs ??= outcome.windowMs;
      if (output.unit === 'millicores') cpuWindowMs = outcome.windowMs;
      return outcome.value;
    };

    for (const { input, output } of rateDefinitions) {
      if (input.labeled) {
        for (const metric of set.labeledMetrics) {
          if (metric.name !== input.name) continue;
          const rate = handle(input, output, metric.value, metric.labels);
          if (rate) (labeledRates ??= []).push({ name: output.name, labels: metric.labels, value: rate });
        }
      } else {
        const value = set.metricValues.get(input.name);
        if (value === undefined) continue;
        const rate = handle(input, output, value);
        if (rate) (rates ??= new Map()).set(output.name, rate);
      }
    }
    if (rates === undefined && labeledRates === undefined) return set;

    let metricValues = set.metricValues;
    if (rates) {
      const copy = new Map(set.metricValues);
      for (const [name, value] of rates) copy.set(name, value);
      metricValues = copy;
    }
    let labeledMetrics = set.labeledMetrics;
    if (labeledRates) {
      const replaced = new Set(labeledRates.map((metric) => seriesIdInSet(metric.name, metric.labels)));
      labeledMetrics = [...set.labeledMetrics.filter((metric) => !replaced.has(seriesIdInSet(metric.name, metric.labels))), ...labeledRates];
    }
    const coveredMs = cpuWindowMs ?? windowMs;
    // One copy of the set, not two: withRateWindowMs(withChanges(...)) would spread it twice.
    return withChanges(set, coveredMs === undefined ? { metricValues, labeledMetrics } : { metricValues, labeledMetrics, rateWindowMs: coveredMs });
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
