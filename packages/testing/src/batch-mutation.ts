/**
 * Making batch mutation visible. Batches are read-only across plugin boundaries, but TypeScript's `readonly` does not
 * stop a plugin from calling `.set()` on a Map it was handed. `deepFreezeBatch` makes such writes throw, and
 * `snapshotBatch` + `findBatchDifference` catch writes after the fact, naming the path that changed.
 */
import type { DataBatch } from '@kubestats/core';

/** A Map that refuses writes once built: Object.freeze does not protect a Map's entries. */
class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]>) {
    // Filled through super.set because the Map constructor would call the throwing override.
    super();
    for (const [key, value] of entries) super.set(key, value);
    Object.freeze(this);
  }

  override set(key: K): this {
    throw new TypeError(`cannot set ${String(key)}: the map belongs to a frozen batch`);
  }

  override delete(key: K): boolean {
    throw new TypeError(`cannot delete ${String(key)}: the map belongs to a frozen batch`);
  }

  override clear(): void {
    throw new TypeError('cannot clear: the map belongs to a frozen batch');
  }
}

function deepFreeze(value: unknown): unknown {
  if (value instanceof Map) {
    return new FrozenMap([...value].map(([key, entry]) => [deepFreeze(key), deepFreeze(entry)] as const));
  }
  if (Array.isArray(value)) return Object.freeze(value.map(deepFreeze));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) copy[key] = deepFreeze(entry);
    return Object.freeze(copy);
  }
  return value;
}

/**
 * A deep copy of `batch` in which every object, array and Map is frozen: any write (assignment, `push`, `Map.set`)
 * throws a TypeError (modules run in strict mode), so a plugin that mutates its input fails loudly.
 */
export function deepFreezeBatch(batch: DataBatch): DataBatch {
  return deepFreeze(batch) as DataBatch;
}

/** A deep, independent copy of `batch` (Maps, bigints and arrays included) to compare against later. */
export function snapshotBatch(batch: DataBatch): DataBatch {
  return structuredClone(batch);
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'object' && value !== null) return 'object';
  return JSON.stringify(value) ?? String(value);
}

/**
 * The first path at which `actual` differs from `expected` (`metricSets["node:n1"].metricValues["cpu/usage"].value:
 * 5n became 6n`), or undefined when they are deeply equal. Bigints, Maps (by key), arrays and plain objects (by own
 * keys, so an added key counts) are compared structurally.
 */
export function findBatchDifference(expected: unknown, actual: unknown, path = 'batch'): string | undefined {
  if (Object.is(expected, actual)) return undefined;
  if (expected instanceof Map || actual instanceof Map) {
    if (!(expected instanceof Map) || !(actual instanceof Map)) {
      return `${path}: ${describeValue(expected)} became ${describeValue(actual)}`;
    }
    for (const [key, value] of expected) {
      const childPath = `${path}[${JSON.stringify(key)}]`;
      if (!actual.has(key)) return `${childPath}: was removed`;
      const difference = findBatchDifference(value, actual.get(key), childPath);
      if (difference) return difference;
    }
    for (const key of actual.keys()) {
      if (!expected.has(key)) return `${path}[${JSON.stringify(key)}]: was added`;
    }
    return undefined;
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) {
      return `${path}: ${describeValue(expected)} became ${describeValue(actual)}`;
    }
    if (expected.length !== actual.length) return `${path}: length ${expected.length} became ${actual.length}`;
    for (let index = 0; index < expected.length; index++) {
      const difference = findBatchDifference(expected[index], actual[index], `${path}[${index}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    const expectedRecord = expected as Record<string, unknown>;
    const actualRecord = actual as Record<string, unknown>;
    for (const key of Object.keys(expectedRecord)) {
      if (!Object.hasOwn(actualRecord, key)) return `${path}.${key}: was removed`;
      const difference = findBatchDifference(expectedRecord[key], actualRecord[key], `${path}.${key}`);
      if (difference) return difference;
    }
    for (const key of Object.keys(actualRecord)) {
      if (!Object.hasOwn(expectedRecord, key)) return `${path}.${key}: was added`;
    }
    return undefined;
  }
  return `${path}: ${describeValue(expected)} became ${describeValue(actual)}`;
}
