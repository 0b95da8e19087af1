/** parseTimeMs reads kubelet timestamps digit by digit; whatever it reads must equal Date.parse, spelling by spelling. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimeMs } from './decode-session.js';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

describe('parseTimeMs', () => {
  it('reads kubelet times as Date.parse does', () => {
    for (const text of [
      '2026-11-30T13:00:09Z',
      '2019-11-05T13:38:30.123Z',
      '2019-11-05T13:38:30.1Z',
      '2019-11-05T13:38:30.12Z',
      '2019-11-05T13:38:30.123456789Z',
      '2019-11-05T13:38:30.999999999Z',
      '2019-11-05T13:38:30.000000001Z',
      '1970-01-01T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '0001-01-01T00:00:00Z',
      '0000-03-01T00:00:00Z',
      '2024-02-29T23:59:59Z',
      '2100-03-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
    ]) {
      expect(parseTimeMs(text), text).toBe(Date.parse(text));
    }
  });

  it('rolls day 29–31 of a shorter month over like Date.parse, and hands other spellings to it', () => {
    for (const text of [
      '2026-02-30T13:00:09Z',
      '2026-04-31T00:00:00Z',
      '2026-11-30T24:00:00Z',
      '2026-11-30T13:00:60Z',
      '2026-11-30T13:60:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-01T00:00:00Z',
      '2026-11-00T00:00:00Z',
      '2026-11-32T00:00:00Z',
      '2026-11-30T13:00:09.Z',
      '2026-11-30T13:00:09,5Z',
      '2000-01-01T00:00:00.0123456789Z',
      '2019-11-05T13:38:30.999999999999Z',
      '2026-11-30T13:00:09.5xZ',
      '2026-11-30t13:00:09z',
      '2026-11-30T13:00:09+01:00',
      '2026-11-30T13:00:09.123-05:30',
      '2026-11-30 13:00:09Z',
      '+002026-11-30T13:00:09Z',
      '2026-1a-30T13:00:09Z',
      'Mon, 30 Nov 2026 13:00:09 GMT',
      'not a time',
    ]) {
      expect(Object.is(parseTimeMs(text), Date.parse(text)), text).toBe(true);
    }
  });

  it('equals Date.parse for any Z timestamp with fields in or just past their ranges', () => {
    const timestamp = fc
      .record({
        year: fc.integer({ min: 0, max: 9999 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 60 }),
        second: fc.integer({ min: 0, max: 60 }),
        fraction: fc.option(fc.stringMatching(/^\d{0,12}$/), { nil: undefined }),
      })
      .map(
        ({ year, month, day, hour, minute, second, fraction }) =>
          `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction === undefined ? '' : `.${fraction}`}Z`,
      );
    fc.assert(
      fc.property(timestamp, (text) => {
        expect(Object.is(parseTimeMs(text), Date.parse(text)), text).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
