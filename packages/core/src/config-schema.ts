/**
 * A small schema language for plugin options: each option has a type, a default and a description. One schema is
 * the single source of a plugin's TypeScript config type (ConfigOf), its validation (parseOptions) and its docs
 * (`kubestats components`). Values arrive as strings from Heapster-style URIs or as YAML scalars from a config file.
 */
import type { ConfigProblem } from './errors.js';

interface OptionBase<T> {
  readonly description: string;
  readonly default?: T;
  readonly required?: boolean;
  /** Never logged, printed or exported in self-metrics (passwords, tokens). */
  readonly secret?: boolean;
}

export interface StringOption extends OptionBase<string> {
  readonly type: 'string';
}
export interface IntOption extends OptionBase<number> {
  readonly type: 'int';
  readonly min?: number;
  readonly max?: number;
}
export interface BooleanOption extends OptionBase<boolean> {
  readonly type: 'boolean';
}
/** Milliseconds; accepts Go-style durations (`1m30s`, `500ms`) or a number of milliseconds. */
export interface DurationOption extends OptionBase<number> {
  readonly type: 'duration';
  readonly minMs?: number;
}
export interface EnumOption<V extends string = string> extends OptionBase<V> {
  readonly type: 'enum';
  readonly values: readonly V[];
}
/** Repeated (`?brokers=a&brokers=b`) or comma-separated (`brokers=a,b`) strings. */
export interface ListOption extends OptionBase<readonly string[]> {
  readonly type: 'list';
}

export type OptionSpec = StringOption | IntOption | BooleanOption | DurationOption | EnumOption | ListOption;

export type ConfigSchema = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends EnumOption<infer V>
  ? V
  : S extends StringOption
    ? string
    : S extends IntOption | DurationOption
      ? number
      : S extends BooleanOption
        ? boolean
        : S extends ListOption
          ? readonly string[]
          : never;

type HasValue<S> = S extends { default: unknown } ? true : S extends { required: true } ? true : false;

/** The validated config type a schema describes: options with a default or `required` are always present. */
export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S as HasValue<S[K]> extends true ? K : never]: ValueOf<S[K]>;
} & {
  readonly [K in keyof S as HasValue<S[K]> extends true ? never : K]?: ValueOf<S[K]>;
};

/** Declares a schema while keeping its literal types (so ConfigOf can see defaults and enum values). */
export function defineSchema<const S extends ConfigSchema>(schema: S): S {
  return schema;
}

const durationUnitsMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `1h2m3.5s`, `250ms` or a bare number of milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const ms = Number(trimmed);
    return Number.isFinite(ms) ? ms : undefined;
  }
  const pattern = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(trimmed); match; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * (durationUnitsMs[match[2] ?? ''] ?? Number.NaN);
    consumed = pattern.lastIndex;
  }
  return consumed === trimmed.length && consumed > 0 && Number.isFinite(total) ? total : undefined;
}

/** Formats milliseconds the way Go prints a time.Duration (`1m0s`, `15s`, `1.5s`, `250ms`). */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

type ParseOutcome = { ok: true; value: unknown } | { ok: false; message: string };

function single(raw: unknown): unknown {
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

/**
 * A YAML or JSON option value as text. A map (`{toString: 1}`, or any object) has no meaningful text and String()
 * can even throw on it, so it is a problem for the option, not an exception.
 */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    default:
      return value === null ? 'null' : undefined;
  }
}

function describeValue(value: unknown): string {
  const text = scalarText(value);
  return text === undefined ? `a ${Array.isArray(value) ? 'list' : 'map'}` : typeof value === 'string' ? JSON.stringify(value) : text;
}

function parseValue(spec: OptionSpec, raw: unknown): ParseOutcome {
  const value = single(raw);
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number'
        ? { ok: true, value: String(value) }
        : { ok: false, message: 'expected a string' };
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      // Heapster's flags accept a bare key (`?insecure`) as true.
      const text = scalarText(value)?.toLowerCase();
      if (text === 'true' || text === '1' || text === '') return { ok: true, value: true };
      if (text === 'false' || text === '0') return { ok: true, value: false };
      return { ok: false, message: `expected true or false, got ${describeValue(value)}` };
    }
    case 'int': {
      const number = typeof value === 'number' ? value : /^-?\d+$/.test((scalarText(value) ?? '').trim()) ? Number(value) : NaN;
      if (!Number.isSafeInteger(number)) return { ok: false, message: `expected an integer, got ${describeValue(value)}` };
      if (spec.min !== undefined && number < spec.min) return { ok: false, message: `must be at least ${spec.min}, got ${number}` };
      if (spec.max !== undefined && number > spec.max) return { ok: false, message: `must be at most ${spec.max}, got ${number}` };
      return { ok: true, value: number };
    }
    case 'duration': {
      const ms = typeof value === 'number' ? value : parseDurationMs(scalarText(value) ?? '');
      if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
        return { ok: false, message: `expected a duration such as 10s, 1m30s or 500ms, got ${describeValue(value)}` };
      }
      if (spec.minMs !== undefined && ms < spec.minMs) {
        return { ok: false, message: `must be at least ${formatDurationMs(spec.minMs)}, got ${formatDurationMs(ms)}` };
      }
      return { ok: true, value: ms };
    }
    case 'enum': {
      const text = scalarText(value);
      return text !== undefined && spec.values.includes(text)
        ? { ok: true, value: text }
        : { ok: false, message: `expected one of ${spec.values.join(', ')}, got ${describeValue(value)}` };
    }
    case 'list': {
      const texts = (Array.isArray(raw) ? raw : [raw]).map(scalarText);
      if (texts.includes(undefined)) return { ok: false, message: 'expected strings or a comma-separated string, got a map' };
      const items = texts.flatMap((item) => (item ?? '').split(','));
      return { ok: true, value: items.map((item) => item.trim()).filter((item) => item !== '') };
    }
  }
}

export type ParseOptionsResult<S extends ConfigSchema> =
  | { readonly ok: true; readonly config: ConfigOf<S> }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * Validates raw options against a schema, filling defaults. Every problem is reported (unknown options included,
 * with the valid names), each with its path prefixed by `pathPrefix`.
 */
export function parseOptions<S extends ConfigSchema>(
  schema: S,
  raw: Readonly<Record<string, unknown>>,
  pathPrefix = '',
): ParseOptionsResult<S> {
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(schema, name)) {
      problems.push({
        path: `${pathPrefix}${name}`,
        message: `unknown option; valid options are ${Object.keys(schema).sort().join(', ') || '(none)'}`,
      });
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const value = raw[name];
    if (value === undefined) {
      if (spec.default !== undefined) config[name] = spec.default;
      else if (spec.required) problems.push({ path: `${pathPrefix}${name}`, message: `is required: ${spec.description}` });
      continue;
    }
    const outcome = parseValue(spec, value);
    if (outcome.ok) config[name] = outcome.value;
    else problems.push({ path: `${pathPrefix}${name}`, message: outcome.message });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: config as ConfigOf<S> };
}

/** Names of the secret options of a schema, for redaction. */
export function secretOptionNames(schema: ConfigSchema): string[] {
  return Object.entries(schema)
    .filter(([, spec]) => spec.secret === true)
    .map(([name]) => name);
}
