import { describe, expect, it } from 'vitest';
import { toJsonText } from './json-text.js';

describe('toJsonText', () => {
  it('writes bigints as exact integers', () => {
    expect(toJsonText({ value: 9_007_199_254_740_993n, list: [-1n, 2] })).toBe('{"value":9007199254740993,"list":[-1,2]}');
  });

  it('matches JSON.stringify for everything else', () => {
    const value = { a: 'x\u0000bigint:1', b: [1.5, null, true, undefined], c: undefined, d: { e: new Date(0) } };
    expect(toJsonText(value)).toBe(JSON.stringify(value));
  });

  it('does not turn strings that look like markers into numbers', () => {
    expect(JSON.parse(toJsonText({ s: '\u0000bigint:12' })) as unknown).toEqual({ s: '\u0000bigint:12' });
  });
});
