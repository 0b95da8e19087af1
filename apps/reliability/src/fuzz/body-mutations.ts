/**
 * Mutations of a kubelet body, as a kubelet bug, a proxy or a broken network would produce them: truncation, byte
 * flips, numbers replaced by huge/negative/NaN/1e400 values, deleted keys, values of the wrong type, duplicated
 * chunks and deep nesting. A mutation is plain data (kind plus two naturals), so fast-check can generate and shrink
 * it and the fuzz runner can draw it from a seeded random source; both apply it with `applyMutations`.
 */

export const mutationKinds = ['truncate', 'flip-byte', 'replace-number', 'delete-key', 'swap-type', 'duplicate-chunk', 'deep-nesting', 'delete-line'] as const;

export type MutationKind = (typeof mutationKinds)[number];

export interface Mutation {
  readonly kind: MutationKind;
  /** Where: taken modulo the body length (or the number of candidates). */
  readonly at: number;
  /** Which replacement: taken modulo the kind's choices. */
  readonly pick: number;
}

/** Numbers that have broken metric pipelines: negative, beyond int64/uint64, unrepresentable, fractional, NaN. */
export const hostileNumbers = [
  '-1',
  '-0',
  '-9223372036854775808',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
  '99999999999999999999999999999',
  '1e400',
  '-1e400',
  '1e308',
  '4.9e-324',
  '0.5',
  'NaN',
  '"NaN"',
  'Infinity',
  '+Inf',
  '-Inf',
  'null',
  '"12"',
  '1.7976931348623157e+308',
] as const;

const typeSwaps = ['null', 'true', '"x"', '[]', '{}', '[1,2]', '{"a":1}', '0', '""'] as const;
const flipBytes = ['\u0000', '"', '{', '}', '[', ']', ',', ':', '\\', '\n', ' ', 'é', '\uFFFD', '#', '=', '9', '-'] as const;
const numberPattern = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const keyPattern = /"[^"\\\n]{1,64}"\s*:/g;

function pickFrom<T>(choices: readonly T[], pick: number): T {
  return choices[pick % choices.length] as T;
}

function matchesOf(pattern: RegExp, body: string): RegExpExecArray[] {
  return [...body.matchAll(pattern)];
}

/** Finds the end of the JSON value starting at `start` (naively: balanced brackets outside strings). */
function valueEnd(body: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < body.length; index++) {
    const char = body[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      if (depth === 0 && !inString) return index + 1;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      if (depth === 0) return index;
      depth--;
      if (depth === 0) return index + 1;
    } else if (depth === 0 && (char === ',' || char === '\n')) return index;
  }
  return body.length;
}

function skipSpace(body: string, index: number): number {
  let at = index;
  while (at < body.length && /\s/.test(body[at] ?? '')) at++;
  return at;
}

export function applyMutation(body: string, mutation: Mutation): string {
  const { at, pick } = mutation;
  switch (mutation.kind) {
    case 'truncate':
      return body.slice(0, body.length === 0 ? 0 : at % body.length);
    case 'flip-byte': {
      if (body.length === 0) return pickFrom(flipBytes, pick);
      const index = at % body.length;
      return body.slice(0, index) + pickFrom(flipBytes, pick) + body.slice(index + 1);
    }
    case 'replace-number': {
      const numbers = matchesOf(numberPattern, body);
      const match = numbers[at % Math.max(1, numbers.length)];
      if (!match) return body;
      return body.slice(0, match.index) + pickFrom(hostileNumbers, pick) + body.slice(match.index + match[0].length);
    }
    case 'delete-key': {
      const keys = matchesOf(keyPattern, body);
      const match = keys[at % Math.max(1, keys.length)];
      if (!match) return body;
      const end = valueEnd(body, skipSpace(body, match.index + match[0].length));
      // Drop the key, its value and one following comma so the rest stays valid JSON when it was.
      const after = body[end] === ',' ? end + 1 : end;
      return body.slice(0, match.index) + body.slice(after);
    }
    case 'swap-type': {
      const keys = matchesOf(keyPattern, body);
      const match = keys[at % Math.max(1, keys.length)];
      if (!match) return body;
      const start = skipSpace(body, match.index + match[0].length);
      return body.slice(0, start) + pickFrom(typeSwaps, pick) + body.slice(valueEnd(body, start));
    }
    case 'duplicate-chunk': {
      if (body.length === 0) return body;
      const start = at % body.length;
      const length = 1 + (pick % 4096);
      return body.slice(0, start) + body.slice(start, start + length) + body.slice(start);
    }
    case 'deep-nesting': {
      const depth = 100 * (1 + (pick % 200));
      const index = body.length === 0 ? 0 : at % body.length;
      return `${body.slice(0, index)}${'['.repeat(depth)}${']'.repeat(depth)}${body.slice(index)}`;
    }
    case 'delete-line': {
      const lines = body.split('\n');
      lines.splice(at % Math.max(1, lines.length), 1 + (pick % 3));
      return lines.join('\n');
    }
  }
}

export function applyMutations(body: string, mutations: readonly Mutation[]): string {
  return mutations.reduce(applyMutation, body);
}
