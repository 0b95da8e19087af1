/**
 * JSON text with bigints written as exact JSON integers: JSON.stringify throws on bigint and Number() would round
 * nanosecond counters above 2^53. A small serializer of its own, so no marker string in user data can be confused
 * with a number.
 */

function write(value: unknown, parts: string[]): void {
  if (typeof value === 'bigint') {
    parts.push(value.toString());
    return;
  }
  if (value === null || typeof value !== 'object') {
    // undefined, functions and symbols have no JSON form; like JSON.stringify in arrays, they become null.
    parts.push(JSON.stringify(value) ?? 'null');
    return;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') {
    write(withToJson.toJSON(), parts);
    return;
  }
  if (Array.isArray(value)) {
    parts.push('[');
    value.forEach((item: unknown, index) => {
      if (index > 0) parts.push(',');
      write(item, parts);
    });
    parts.push(']');
    return;
  }
  parts.push('{');
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (!first) parts.push(',');
    first = false;
    parts.push(JSON.stringify(key), ':');
    write(item, parts);
  }
  parts.push('}');
}

export function toJsonText(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}
