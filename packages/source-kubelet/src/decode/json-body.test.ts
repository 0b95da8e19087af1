import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsLosslessParse } from './json-body.js';

describe('needsLosslessParse', () => {
  it('finds a run of 16 or more digits anywhere, exactly as /\\d{16}/ would', () => {
    const digitHeavy = fc.string({ unit: fc.constantFrom('0', '1', '9', ',', '"', 'x'), maxLength: 200 });
    fc.assert(
      fc.property(digitHeavy, (text) => {
        expect(needsLosslessParse(text)).toBe(/\d{16}/.test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('flags cAdvisor\u2019s unlimited uint64 and passes ordinary JSON', () => {
    expect(needsLosslessParse('{"limit":18446744073709551615}')).toBe(true);
    expect(needsLosslessParse('1234567890123456')).toBe(true);
    expect(needsLosslessParse('{"usageCoreNanoSeconds":123456789012345}')).toBe(false);
    expect(needsLosslessParse('')).toBe(false);
  });
});
