/**
 * The memory sink's storage: a time window of batches kept as columns rather than as objects. A stored batch is one
 * Float64Array of values (bigints only for the rare int beyond 2^53) plus per-slot offsets; what describes a set
 * (key, labels, metric names and kinds, labeled metrics) is a shape shared with the previous batch while it does not
 * change, which in a steady cluster is every cycle. A 1,000-node batch (94,000 sets, 2.8 M points) then costs ~25 MB
 * in a few objects the garbage collector does not trace, instead of ~3 M small objects it marks on every major GC
 * (which was 38 % of kubestats' CPU at 1,000 nodes; see docs/benchmarks.md).
 *
 * Each key gets a slot (an index into the per-batch arrays) from a SlotRegistry, reused only once no retained batch
 * holds its key. Windows may share one registry: the memory sink's long window then derives each batch from the
 * columns the short window just wrote (`addProjection`), with no second walk of every set's metric map.
 *
 * Export runs once per cycle over every value, so its loops avoid allocating per set or per value: a Map is walked
 * with keys() and values(), not entries(), whose [name, value] pair per value (2.8 M per cycle at 1,000 nodes) made
 * ~13 young-generation collections per export.
 */
import type { DataBatch, LabeledMetric, MetricSet, MetricType, MetricValue } from '@kubestats/core';

export interface SeriesPoint {
  /** The batch timestamp the value was exported with, epoch ms. */
  readonly timestampMs: number;
  readonly value: MetricValue;
}

export interface TimeRange {
  /** Inclusive; unbounded when absent. */
  readonly startMs?: number;
  /** Inclusive; unbounded when absent. */
  readonly endMs?: number;
}

/** Metric names and value codes of a set's metric values, in iteration order; interned, so sets share one. */
interface MetricShape {
  readonly names: readonly string[];
  readonly codes: Uint8Array;
}

interface LabeledShape {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly code: number;
}

/** Everything about a set but its numbers. Values sit at offset + index: metric values first, then labeled ones. */
interface SetShape {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containerId: string | undefined;
  readonly metrics: MetricShape;
  readonly labeled: readonly LabeledShape[];
}

interface StoredBatch {
  readonly timestampMs: number;
  /** By slot; undefined where the batch has no set for the slot. Shared with the previous batch when identical. */
  readonly shapes: readonly (SetShape | undefined)[];
  /** By slot: where the set's values start in `values`; -1 when absent. Shared along with `shapes`. */
  readonly offsets: Int32Array;
  readonly values: Float64Array;
  /** Int values beyond Number's exact range, by index into `values` (whose entry is then NaN). */
  readonly bigInts: ReadonlyMap<number, bigint> | undefined;
  /** Whole sets only, 4 per slot: collection start, entity creation, scrape time, rate window (NaN when unset). */
  readonly times: Float64Array | undefined;
  readonly points: number;
}

const timesPerSlot = 4;
const maxSpareBuffers = 4;
/** Interned metric shapes beyond this are dropped (interning only saves memory; a custom-metric storm must not grow it). */
const maxInternedShapes = 10_000;
const emptyLabels: Readonly<Record<string, string>> = Object.freeze({});
const noLabeled: readonly LabeledShape[] = Object.freeze([]);

/** kind and type of a value in two bits: int/float × gauge/cumulative. */
function codeOf(value: MetricValue): number {
  return (value.kind === 'int' ? 0 : 2) + (value.type === 'cumulative' ? 1 : 0);
}

function decode(code: number, raw: number, big: bigint | undefined): MetricValue {
  const type: MetricType = (code & 1) === 1 ? 'cumulative' : 'gauge';
  return code < 2 ? { kind: 'int', type, value: big ?? BigInt(raw) } : { kind: 'float', type, value: raw };
}

/**
 * Same keys and values; no allocation, as it runs for every set of every batch. Label values are strings, so a key
 * `b` lacks reads as something else (undefined, or an Object.prototype member) and differs. Once every key of `a`
 * matched, `b` holds at least those keys, so counting `b`'s keys (no lookup) tells whether it has others.
 */
export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  let keysOfA = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    keysOfA++;
  }
  let keysOfB = 0;
  for (const _key in b) if (++keysOfB > keysOfA) return false;
  return keysOfB === keysOfA;
}

function inRange(timestampMs: number, range: TimeRange): boolean {
  return (range.startMs === undefined || timestampMs >= range.startMs) && (range.endMs === undefined || timestampMs <= range.endMs);
}

export interface ColumnarWindowStats {
  readonly batches: number;
  /** Distinct (key, metric) series across the window (labeled metrics counted per label set). */
  readonly series: number;
  readonly points: number;
}

/**
 * Key → slot for the windows sharing it. A slot is freed once its key was last seen before the oldest batch of every
 * window attached, so no window can read a reused slot's old values under the new key.
 */
export class SlotRegistry {
  readonly #slotByKey = new Map<string, number>();
  readonly #keyBySlot: (string | undefined)[] = [];
  /** Newest batch timestamp each slot's key appeared in. */
  readonly #lastSeenMs: number[] = [];
  readonly #freeSlots: number[] = [];
  readonly #windows: ColumnarWindow[] = [];

  /** Slots handed out so far (the length of per-slot arrays). */
  get size(): number {
    return this.#keyBySlot.length;
  }

  attach(window: ColumnarWindow): void {
    this.#windows.push(window);
  }

  slotOf(key: string): number | undefined {
    return this.#slotByKey.get(key);
  }

  slotFor(key: string, timestampMs: number): number {
    let slot = this.#slotByKey.get(key);
    if (slot === undefined) {
      slot = this.#freeSlots.pop() ?? this.#keyBySlot.length;
      this.#slotByKey.set(key, slot);
      this.#keyBySlot[slot] = key;
      this.#lastSeenMs[slot] = timestampMs;
    } else {
      this.#lastSeenMs[slot] = Math.max(this.#lastSeenMs[slot] ?? timestampMs, timestampMs);
    }
    return slot;
  }

  /** Frees the slots whose key no batch of any attached window holds any more. */
  release(): void {
    let oldestMs = Number.POSITIVE_INFINITY;
    for (const window of this.#windows) oldestMs = Math.min(oldestMs, window.oldestTimestampMs() ?? Number.POSITIVE_INFINITY);
    for (let slot = 0; slot < this.#keyBySlot.length; slot++) {
      const key = this.#keyBySlot[slot];
      if (key === undefined || (this.#lastSeenMs[slot] ?? 0) >= oldestMs) continue;
      this.#slotByKey.delete(key);
      this.#keyBySlot[slot] = undefined;
      this.#freeSlots.push(slot);
    }
  }
}

/** Where a window's metrics sit in a source set's metric shape, and the shape they make (see addProjection). */
interface Projection {
  readonly metrics: MetricShape;
  /** Per projected metric, its position in the source shape. */
  readonly positions: Int32Array;
}

export class ColumnarWindow {
  /** Metric names kept, in a fixed order; undefined keeps whole sets (every value, labels, labeled metrics, times). */
  readonly #metricList: readonly string[] | undefined;
  /** Ascending by timestamp, one batch per timestamp. */
  #batches: StoredBatch[] = [];
  readonly #registry: SlotRegistry;
  readonly #metricShapes = new Map<string, MetricShape>();
  /** By source metric shape (interned there, so few): what addProjection keeps of it. */
  readonly #projections = new Map<MetricShape, Projection>();
  /** Slot of each set of the batch being added, reused across adds (add runs synchronously). */
  #slotScratch = new Int32Array(0);
  /**
   * Per-slot shapes and offsets of the batch being added, reused across adds and copied only when the layout differs
   * from the previous batch's (rare in a steady cluster), so a steady export allocates no per-slot arrays.
   */
  #shapeScratch: (SetShape | undefined)[] = [];
  #offsetScratch = new Int32Array(0);
  #stats: ColumnarWindowStats | undefined;
  /**
   * Value and time buffers of evicted batches, reused by the next add. A new 100 MB typed array (5,000 nodes) counts
   * as external memory pressure and makes V8 run a full GC of the whole heap; reusing buffers avoids that.
   */
  #spareBuffers: Float64Array[] = [];

  /** `registry` is shared with the windows a projection reads from or is read by; by default the window's own. */
  constructor(metrics?: readonly string[], registry = new SlotRegistry()) {
    this.#metricList = metrics === undefined ? undefined : [...new Set(metrics)];
    this.#registry = registry;
    registry.attach(this);
  }

  get length(): number {
    return this.#batches.length;
  }

  timestamps(): number[] {
    return this.#batches.map((batch) => batch.timestampMs);
  }

  newestTimestampMs(): number | undefined {
    return this.#batches.at(-1)?.timestampMs;
  }

  oldestTimestampMs(): number | undefined {
    return this.#batches[0]?.timestampMs;
  }

  /** Stores `batch`; a batch with the timestamp of a stored one replaces it (a re-export), a late one is inserted in order. */
  add(batch: DataBatch): void {
    const setCount = batch.metricSets.size;
    if (this.#slotScratch.length < setCount) this.#slotScratch = new Int32Array(Math.ceil(setCount * 1.05));
    const slots = this.#slotScratch;
    let capacity = 0;
    let index = 0;
    for (const set of batch.metricSets.values()) {
      slots[index++] = this.#registry.slotFor(set.key, batch.timestampMs);
      capacity += this.#metricList === undefined ? set.metricValues.size + set.labeledMetrics.length : this.#metricList.length;
    }
    const slotCount = this.#registry.size;
    const previous = this.#batches.at(-1);
    const { shapes, offsets } = this.#scratchLayout(slotCount);
    const values = this.#buffer(capacity);
    const bigInts = new Map<number, bigint>();
    const times = this.#metricList === undefined ? this.#buffer(slotCount * timesPerSlot) : undefined;
    let cursor = 0;
    index = 0;
    for (const set of batch.metricSets.values()) {
      const slot = slots[index++] ?? 0;
      // Common case first: the set looks as it did last batch, and checking that writes its values on the way.
      let shape = previous?.shapes[slot];
      if (shape === undefined || !this.#writeIfFits(shape, set, values, cursor, bigInts)) {
        shape = this.#shapeOf(set);
        this.#writeValues(set, shape, values, cursor, bigInts);
      }
      if (shape.metrics.names.length === 0 && shape.labeled.length === 0 && this.#metricList !== undefined) continue;
      shapes[slot] = shape;
      offsets[slot] = cursor;
      cursor += shape.metrics.names.length + shape.labeled.length;
      if (times) {
        const base = slot * timesPerSlot;
        times[base] = set.collectionStartTimeMs;
        times[base + 1] = set.entityCreateTimeMs;
        times[base + 2] = set.scrapeTimeMs;
        times[base + 3] = set.rateWindowMs ?? Number.NaN;
      }
    }
    this.#store(batch.timestampMs, previous, slotCount, values, cursor, bigInts, times);
  }

  /**
   * Stores this window's metrics of `source`'s batch at `timestampMs` (normally the one just added there), read from
   * its columns: the same as `add` of that DataBatch, without walking every set's metric map again. Both windows
   * must share one SlotRegistry, and this one must keep a metric list (whole sets are what `source` holds).
   */
  addProjection(source: ColumnarWindow, timestampMs: number): void {
    if (source.#registry !== this.#registry) throw new Error('addProjection needs windows sharing one SlotRegistry');
    if (this.#metricList === undefined) throw new Error('addProjection needs a window with a metric list');
    const from = source.#batches.findLast((held) => held.timestampMs === timestampMs);
    if (!from) return;
    const slotCount = from.shapes.length;
    const previous = this.#batches.at(-1);
    const { shapes, offsets } = this.#scratchLayout(slotCount);
    // Room for every listed metric of every slot (as `add` reserves); the stored values are cut to what was written.
    const values = this.#buffer(slotCount * this.#metricList.length);
    const bigInts = new Map<number, bigint>();
    let cursor = 0;
    for (let slot = 0; slot < slotCount; slot++) {
      const sourceShape = from.shapes[slot];
      if (!sourceShape) continue;
      // One lookup per set for its projection; the values are then copied column to column.
      const projection = this.#projectionOf(sourceShape.metrics, this.#metricList);
      if (projection.positions.length === 0) continue;
      // A slot names one key while any window holds it, so the previous batch's shape at the slot is this key's.
      const held = previous?.shapes[slot];
      shapes[slot] =
        held?.metrics === projection.metrics
          ? held
          : { key: sourceShape.key, labels: emptyLabels, containerId: undefined, metrics: projection.metrics, labeled: noLabeled };
      offsets[slot] = cursor;
      const base = from.offsets[slot] ?? 0;
      for (const position of projection.positions) {
        const sourceIndex = base + position;
        values[cursor] = from.values[sourceIndex] ?? 0;
        const big = from.bigInts?.get(sourceIndex);
        if (big !== undefined) bigInts.set(cursor, big);
        cursor++;
      }
    }
    this.#store(timestampMs, previous, slotCount, values, cursor, bigInts, undefined);
  }

  /** Drops batches older than `cutoffMs`, then the oldest beyond `maxBatches`, and frees slots no batch holds any more. */
  evict(cutoffMs: number, maxBatches: number): void {
    let drop = 0;
    while (drop < this.#batches.length && (this.#batches[drop]?.timestampMs ?? 0) < cutoffMs) drop++;
    drop = Math.max(drop, this.#batches.length - maxBatches);
    if (drop > 0) {
      for (const evicted of this.#batches.slice(0, drop)) this.#spareBuffers.push(evicted.values, ...(evicted.times ? [evicted.times] : []));
      // A few spares cover one add (values and times); more would only hold memory.
      this.#spareBuffers = this.#spareBuffers.slice(-maxSpareBuffers);
      this.#batches = this.#batches.slice(drop);
      this.#stats = undefined;
    }
    this.#registry.release();
  }

  /**
   * Points of `metricName` for `key` within `range` (inclusive), oldest first. With `labels`, the labeled metric
   * whose label set is exactly `labels`.
   */
  points(key: string, metricName: string, range: TimeRange = {}, labels?: Readonly<Record<string, string>>): SeriesPoint[] {
    const slot = this.#registry.slotOf(key);
    if (slot === undefined) return [];
    const points: SeriesPoint[] = [];
    for (const batch of this.#batches) {
      if (!inRange(batch.timestampMs, range)) continue;
      const shape = batch.shapes[slot];
      if (!shape) continue;
      const base = batch.offsets[slot] ?? 0;
      let index: number;
      let code: number;
      if (labels === undefined) {
        const position = shape.metrics.names.indexOf(metricName);
        if (position < 0) continue;
        index = base + position;
        code = shape.metrics.codes[position] ?? 0;
      } else {
        const position = shape.labeled.findIndex((metric) => metric.name === metricName && sameLabels(metric.labels, labels));
        if (position < 0) continue;
        index = base + shape.metrics.names.length + position;
        code = shape.labeled[position]?.code ?? 0;
      }
      points.push({ timestampMs: batch.timestampMs, value: decode(code, batch.values[index] ?? 0, batch.bigInts?.get(index)) });
    }
    return points;
  }

  /** The stored batch at `position` (0 = oldest) rebuilt as a DataBatch; sets come in slot order. */
  materialise(position: number): DataBatch | undefined {
    const batch = this.#batches[position];
    if (!batch) return undefined;
    const metricSets = new Map<string, MetricSet>();
    for (const [slot, shape] of batch.shapes.entries()) {
      if (!shape) continue;
      metricSets.set(shape.key, materialiseSet(batch, slot, shape));
    }
    return { timestampMs: batch.timestampMs, metricSets };
  }

  stats(): ColumnarWindowStats {
    this.#stats ??= this.#computeStats();
    return this.#stats;
  }

  #computeStats(): ColumnarWindowStats {
    const seriesBySlot = new Map<number, Set<string>>();
    let points = 0;
    let counted: readonly (SetShape | undefined)[] | undefined;
    for (const batch of this.#batches) {
      points += batch.points;
      // Batches sharing a layout hold the same series: count each layout once.
      if (batch.shapes === counted) continue;
      counted = batch.shapes;
      for (const [slot, shape] of batch.shapes.entries()) {
        if (!shape) continue;
        let series = seriesBySlot.get(slot);
        if (!series) {
          series = new Set();
          seriesBySlot.set(slot, series);
        }
        for (const name of shape.metrics.names) series.add(name);
        for (const metric of shape.labeled) series.add(`${metric.name}${JSON.stringify(Object.entries(metric.labels).sort())}`);
      }
    }
    let series = 0;
    for (const names of seriesBySlot.values()) series += names.size;
    return { batches: this.#batches.length, series, points };
  }

  /** A buffer of exactly `length` entries: a view of a spare one when one is large enough, else a new one. */
  #buffer(length: number): Float64Array {
    const index = this.#spareBuffers.findIndex((spare) => spare.buffer.byteLength >= length * Float64Array.BYTES_PER_ELEMENT);
    const spare = index < 0 ? undefined : this.#spareBuffers.splice(index, 1)[0];
    // 5 % headroom, so a fleet that grows a little still fits in the recycled buffer next time.
    return spare ? new Float64Array(spare.buffer, 0, length) : new Float64Array(Math.ceil(length * 1.05)).subarray(0, length);
  }

  /** The scratch layout for `slotCount` slots, cleared: no shape, offset -1. */
  #scratchLayout(slotCount: number): { shapes: (SetShape | undefined)[]; offsets: Int32Array } {
    if (this.#offsetScratch.length < slotCount) this.#offsetScratch = new Int32Array(Math.ceil(slotCount * 1.05));
    // Grown only when the registry grew; every export after that reuses it.
    while (this.#shapeScratch.length < slotCount) this.#shapeScratch.push(undefined);
    this.#shapeScratch.fill(undefined, 0, slotCount);
    this.#offsetScratch.fill(-1, 0, slotCount);
    return { shapes: this.#shapeScratch, offsets: this.#offsetScratch };
  }

  /** Stores the batch written into the scratch layout: the previous batch's layout when identical, else a copy. */
  #store(
    timestampMs: number,
    previous: StoredBatch | undefined,
    slotCount: number,
    values: Float64Array,
    points: number,
    bigInts: Map<number, bigint>,
    times: Float64Array | undefined,
  ): void {
    const sameLayout =
      previous !== undefined && sameShapes(previous.shapes, this.#shapeScratch, slotCount) && sameOffsets(previous.offsets, this.#offsetScratch, slotCount);
    this.#insert({
      timestampMs,
      shapes: sameLayout ? previous.shapes : this.#shapeScratch.slice(0, slotCount),
      offsets: sameLayout ? previous.offsets : this.#offsetScratch.slice(0, slotCount),
      values: points === values.length ? values : values.subarray(0, points),
      bigInts: bigInts.size === 0 ? undefined : bigInts,
      times,
      points,
    });
  }

  /** The listed metrics found in `source`, in list order (the order `add` would store them in). */
  #projectionOf(source: MetricShape, metricList: readonly string[]): Projection {
    const known = this.#projections.get(source);
    if (known) return known;
    const names: string[] = [];
    const codes: number[] = [];
    const positions: number[] = [];
    for (const name of metricList) {
      const position = source.names.indexOf(name);
      if (position < 0) continue;
      names.push(name);
      codes.push(source.codes[position] ?? 0);
      positions.push(position);
    }
    if (this.#projections.size >= maxInternedShapes) this.#projections.clear();
    const projection: Projection = { metrics: this.#internMetrics(names, codes), positions: Int32Array.from(positions) };
    this.#projections.set(source, projection);
    return projection;
  }

  #insert(stored: StoredBatch): void {
    this.#stats = undefined;
    const last = this.#batches.at(-1);
    if (!last || stored.timestampMs > last.timestampMs) {
      this.#batches.push(stored);
      return;
    }
    const index = this.#batches.findIndex((held) => held.timestampMs >= stored.timestampMs);
    if (this.#batches[index]?.timestampMs === stored.timestampMs) this.#batches[index] = stored;
    else this.#batches.splice(index, 0, stored);
  }

  /**
   * Writes the set's values from `cursor` while checking that `set` has exactly the shape `shape` describes (the
   * common case: the same set one cycle later); false as soon as it does not, the values then being rewritten.
   */
  #writeIfFits(shape: SetShape, set: MetricSet, values: Float64Array, cursor: number, bigInts: Map<number, bigint>): boolean {
    const { names, codes } = shape.metrics;
    let position = 0;
    if (this.#metricList !== undefined) {
      for (const name of this.#metricList) {
        const value = set.metricValues.get(name);
        if (value === undefined) continue;
        if (names[position] !== name || codes[position] !== codeOf(value)) return false;
        storeValue(value, cursor + position, values, bigInts);
        position++;
      }
      return position === names.length;
    }
    if (shape.containerId !== set.containerId || names.length !== set.metricValues.size || shape.labeled.length !== set.labeledMetrics.length) return false;
    // keys() then values(): entries() would allocate a pair per value.
    for (const name of set.metricValues.keys()) if (names[position++] !== name) return false;
    position = 0;
    for (const value of set.metricValues.values()) {
      if (codes[position] !== codeOf(value)) return false;
      storeValue(value, cursor + position, values, bigInts);
      position++;
    }
    for (let index = 0; index < set.labeledMetrics.length; index++) {
      const metric = set.labeledMetrics[index];
      const known = shape.labeled[index];
      if (!metric || !known || known.name !== metric.name || known.code !== codeOf(metric.value) || !sameLabels(known.labels, metric.labels)) return false;
      storeValue(metric.value, cursor + position + index, values, bigInts);
    }
    return sameLabels(shape.labels, set.labels);
  }

  #shapeOf(set: MetricSet): SetShape {
    const names: string[] = [];
    const codes: number[] = [];
    if (this.#metricList === undefined) {
      for (const [name, value] of set.metricValues) {
        names.push(name);
        codes.push(codeOf(value));
      }
      return {
        key: set.key,
        labels: set.labels,
        containerId: set.containerId,
        metrics: this.#internMetrics(names, codes),
        labeled: set.labeledMetrics.length === 0 ? noLabeled : set.labeledMetrics.map((metric) => ({ name: metric.name, labels: metric.labels, code: codeOf(metric.value) })),
      };
    }
    for (const name of this.#metricList) {
      const value = set.metricValues.get(name);
      if (value === undefined) continue;
      names.push(name);
      codes.push(codeOf(value));
    }
    return { key: set.key, labels: emptyLabels, containerId: undefined, metrics: this.#internMetrics(names, codes), labeled: noLabeled };
  }

  #internMetrics(names: string[], codes: number[]): MetricShape {
    const signature = `${names.join('\n')}\n${codes.join('')}`;
    const known = this.#metricShapes.get(signature);
    if (known) return known;
    if (this.#metricShapes.size >= maxInternedShapes) this.#metricShapes.clear();
    const shape: MetricShape = { names, codes: Uint8Array.from(codes) };
    this.#metricShapes.set(signature, shape);
    return shape;
  }

  /** Writes the set's values in `shape` order from `cursor` (a shape just built from this set). */
  #writeValues(set: MetricSet, shape: SetShape, values: Float64Array, cursor: number, bigInts: Map<number, bigint>): void {
    let index = cursor;
    if (this.#metricList !== undefined) {
      for (const name of shape.metrics.names) {
        const value = set.metricValues.get(name);
        if (value !== undefined) storeValue(value, index, values, bigInts);
        index++;
      }
      return;
    }
    for (const value of set.metricValues.values()) storeValue(value, index++, values, bigInts);
    for (const metric of set.labeledMetrics) storeValue(metric.value, index++, values, bigInts);
  }
}

function storeValue(value: MetricValue, index: number, values: Float64Array, bigInts: Map<number, bigint>): void {
  const asNumber = value.kind === 'float' ? value.value : Number(value.value);
  if (value.kind === 'float' || Number.isSafeInteger(asNumber)) {
    values[index] = asNumber;
    // A rewrite (a shape that stopped fitting half-way) must not leave a bigint of the first attempt behind.
    if (bigInts.size > 0) bigInts.delete(index);
    return;
  }
  values[index] = Number.NaN;
  bigInts.set(index, value.value);
}

/** Whether `held` equals the first `length` entries of `scratch`. */
function sameShapes(held: readonly (SetShape | undefined)[], scratch: readonly (SetShape | undefined)[], length: number): boolean {
  if (held.length !== length) return false;
  for (let index = 0; index < length; index++) if (held[index] !== scratch[index]) return false;
  return true;
}

/** Whether `held` equals the first `length` entries of `scratch`. */
function sameOffsets(held: Int32Array, scratch: Int32Array, length: number): boolean {
  if (held.length !== length) return false;
  for (let index = 0; index < length; index++) if (held[index] !== scratch[index]) return false;
  return true;
}

function materialiseSet(batch: StoredBatch, slot: number, shape: SetShape): MetricSet {
  const base = batch.offsets[slot] ?? 0;
  const valueAt = (index: number, code: number): MetricValue => decode(code, batch.values[index] ?? 0, batch.bigInts?.get(index));
  const metricValues = new Map<string, MetricValue>();
  for (const [position, name] of shape.metrics.names.entries()) metricValues.set(name, valueAt(base + position, shape.metrics.codes[position] ?? 0));
  const labeledBase = base + shape.metrics.names.length;
  const labeledMetrics: LabeledMetric[] = shape.labeled.map((metric, position) => ({
    name: metric.name,
    labels: metric.labels,
    value: valueAt(labeledBase + position, metric.code),
  }));
  const timeAt = (field: number): number => batch.times?.[slot * timesPerSlot + field] ?? 0;
  const rateWindowMs = timeAt(3);
  return {
    key: shape.key,
    labels: shape.labels,
    metricValues,
    labeledMetrics,
    collectionStartTimeMs: timeAt(0),
    entityCreateTimeMs: timeAt(1),
    scrapeTimeMs: timeAt(2),
    ...(shape.containerId === undefined ? {} : { containerId: shape.containerId }),
    ...(Number.isNaN(rateWindowMs) ? {} : { rateWindowMs }),
  };
}
