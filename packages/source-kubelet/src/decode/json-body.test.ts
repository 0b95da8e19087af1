import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsLosslessParse, parseJsonBody, parseLosslessJson } from './json-body.js';

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** The rule the probe implements, as a full regex scan: a digit run of 17+, or of 16 above 2^53 - 1. */
function hasUnsafeDigitRun(text: string): boolean {
  return (text.match(/\d+/g) ?? []).some((run) => run.length > 16 || (run.length === 16 && BigInt(run) > maxSafe));
}

describe('needsLosslessParse', () => {
  it('finds a run of 17 or more digits, or of 16 above 2^53 - 1, anywhere, exactly as a full scan would', () => {
    // Whole boundary numbers as units too, so 16-digit runs on both sides of 2^53 - 1 are common.
    const unit = fc.constantFrom('0', '1', '9', ',', '"', 'x', '9007199254740991', '9007199254740992', '90071992547409', '-', '.', 'e');
    const digitHeavy = fc.string({ unit, maxLength: 200 });
    fc.assert(
      fc.property(digitHeavy, (text) => {
        expect(needsLosslessParse(text)).toBe(hasUnsafeDigitRun(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('flags cAdvisor\u2019s unlimited uint64 and passes ordinary JSON', () => {
    expect(needsLosslessParse('{"limit":18446744073709551615}')).toBe(true);
    expect(needsLosslessParse('{"usageCoreNanoSeconds":123456789012345}')).toBe(false);
    expect(needsLosslessParse('')).toBe(false);
  });

  it('keeps 16-digit integers up to 2^53 - 1 on the fast path and sends larger ones to the lossless parser', () => {
    expect(needsLosslessParse('1234567890123456')).toBe(false);
    expect(needsLosslessParse('{"usageCoreNanoSeconds":4123456789012345}')).toBe(false);
    expect(needsLosslessParse('{"v":9007199254740991}')).toBe(false); // 2^53 - 1
    expect(needsLosslessParse('{"v":9007199254740992}')).toBe(true); // 2^53
    expect(needsLosslessParse('{"v":9007199254740993}')).toBe(true); // 2^53 + 1: JSON.parse gives 2^53
    expect(needsLosslessParse('{"v":9999999999999999}')).toBe(true);
    expect(needsLosslessParse('{"v":10000000000000000}')).toBe(true); // 17 digits
    expect(needsLosslessParse('{"v":00000000000000001}')).toBe(true); // 17 digits, whatever their value
  });

  it('judges a 16-digit run by its digits whatever surrounds it: minus sign, fraction, exponent, string', () => {
    expect(needsLosslessParse('{"v":-9007199254740991}')).toBe(false);
    expect(needsLosslessParse('{"v":-9007199254740992}')).toBe(true);
    expect(needsLosslessParse('{"v":9007199254740991.5}')).toBe(false);
    expect(needsLosslessParse('{"v":9007199254740993.5}')).toBe(true);
    expect(needsLosslessParse('{"v":0.9007199254740993}')).toBe(true);
    expect(needsLosslessParse('{"v":9007199254740991e3}')).toBe(false);
    expect(needsLosslessParse('{"v":1e9007199254740993}')).toBe(true);
    expect(needsLosslessParse('{"id":"x9007199254740993x"}')).toBe(true);
    // A safe run next to a longer one in the same body still finds the longer one.
    expect(needsLosslessParse('[1234567890123456,12345678901234567]')).toBe(true);
  });
});

describe('parseJsonBody around 2^53', () => {
  it('decodes 2^53 - 1 as a number and 2^53, 2^53 + 1 and their negatives as exact bigints', () => {
    expect(parseJsonBody('[9007199254740991,-9007199254740991]')).toEqual([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);
    expect(parseJsonBody('[9007199254740992,9007199254740993,-9007199254740993]')).toEqual([2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n]);
    expect(parseJsonBody('{"limit":18446744073709551615,"cpu":1234567890123456}')).toEqual({ limit: 2n ** 64n - 1n, cpu: 1234567890123456 });
  });

  it('decodes every generated body as the lossless path does, and every integer exactly', () => {
    const boundary = 2n ** 53n;
    const integer = fc.oneof(
      fc.bigInt({ min: boundary - 2000n, max: boundary + 2000n }),
      fc.bigInt({ min: -boundary - 2000n, max: -boundary + 2000n }),
      fc.bigInt({ min: 10n ** 15n, max: 10n ** 16n - 1n }),
      fc.bigInt({ min: 10n ** 16n, max: 2n ** 64n - 1n }),
      fc.bigInt({ min: 0n, max: 10n ** 15n }),
    );
    const value = fc.oneof(
      { arbitrary: integer.map((n) => ({ text: n.toString(), exact: n })), weight: 4 },
      // Fractions and exponents are doubles on both paths.
      { arbitrary: integer.map((n) => ({ text: `${n}.25`, exact: Number(`${n}.25`) })), weight: 1 },
      { arbitrary: integer.map((n) => ({ text: `${n}e2`, exact: Number(`${n}e2`) })), weight: 1 },
      { arbitrary: integer.map((n) => ({ text: JSON.stringify(`id-${n}`), exact: `id-${n}` })), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 12 }), (values) => {
        const body = `{"time":"2026-01-01T00:00:00Z","values":[${values.map((v) => v.text).join(',')}]}`;
        const decoded = parseJsonBody(body) as { values: unknown[] };
        expect(decoded).toEqual(parseLosslessJson(body));
        const expected = values.map(({ exact }) => (typeof exact === 'bigint' && exact >= -maxSafe && exact <= maxSafe ? Number(exact) : exact));
        expect(decoded.values).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
