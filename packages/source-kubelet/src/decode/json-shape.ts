/**
 * Shape checks for parsed JSON: a field that must be an object or array and is something else fails the whole body
 * with a DecodeError naming the path; a missing (or null) one is simply absent.
 */
import { wrongShape } from './decode-error.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parent[field]` as an object, undefined when absent or null; throws when it is anything else. */
export function optionalObject(parent: JsonObject, field: string, path: () => string): JsonObject | undefined {
  const value = parent[field];
  if (value === undefined || value === null) return undefined;
  if (isJsonObject(value)) return value;
  throw wrongShape(`${path()}.${field}`, value, 'an object');
}

/** `parent[field]` as an array, empty when absent or null; throws when it is anything else. */
export function optionalArray(parent: JsonObject, field: string, path: () => string): readonly unknown[] {
  const value = parent[field];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw wrongShape(`${path()}.${field}`, value, 'an array');
}

export function requireObject(value: unknown, path: () => string): JsonObject {
  if (isJsonObject(value)) return value;
  throw wrongShape(path(), value, 'an object');
}

/** A string field, undefined when absent, null or empty; throws when it is not a string. */
export function optionalString(parent: JsonObject, field: string, path: () => string): string | undefined {
  const value = parent[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  throw wrongShape(`${path()}.${field}`, value, 'a string');
}
