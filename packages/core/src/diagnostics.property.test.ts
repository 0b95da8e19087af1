/**
 * Property tests for the DiagnosticsLog: whatever is recorded (any keys, reasons, times, in any order), it holds at
 * most `maxKeys` keys and one entry per (key, reason), counts every record, and expiry leaves nothing older.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allDiagnosticReasons, DiagnosticsLog, type Diagnostic } from './diagnostics.js';

const diagnostic: fc.Arbitrary<Diagnostic> = fc.record({
  key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('namespace:a/pod:p', 'namespace:a/pod:p/container:c', 'node:n1')),
  stage: fc.constantFrom('scrape', 'decode', 'rate', 'export'),
  reason: fc.constantFrom(...allDiagnosticReasons),
  detail: fc.string({ maxLength: 10 }),
  atMs: fc.oneof(fc.integer({ min: -1e6, max: 1e13 }), fc.constantFrom(Number.NaN, Infinity, -Infinity)),
});

describe('DiagnosticsLog bounds', () => {
  it('never holds more than maxKeys keys or more than one entry per (key, reason), and counts every record', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 300 }), fc.integer({ min: 1, max: 20 }), (records, maxKeys) => {
        const log = new DiagnosticsLog({ maxKeys });
        const keys = new Set<string>();
        for (const record of records) {
          log.record(record);
          keys.add(record.key);
          expect(log.keyCount).toBeLessThanOrEqual(maxKeys);
        }
        let held = 0;
        for (const key of keys) {
          const entries = log.forKey(key);
          expect(new Set(entries.map((entry) => entry.reason)).size).toBe(entries.length);
          held += entries.length;
        }
        expect(held).toBeLessThanOrEqual(maxKeys * allDiagnosticReasons.length);
        const total = [...log.counts().values()].reduce((sum, count) => sum + count, 0);
        expect(total).toBe(records.length);
        // The most recently recorded key is always explainable.
        const last = records.at(-1);
        if (last) expect(log.forKey(last.key).some((entry) => entry.reason === last.reason)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('expireBefore leaves no finite-timed entry older than the cutoff', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { maxLength: 100 }), fc.integer({ min: 0, max: 1e13 }), (records, cutoffMs) => {
        const log = new DiagnosticsLog({ maxKeys: 50 });
        for (const record of records) log.record(record);
        log.expireBefore(cutoffMs);
        for (const key of new Set(records.map((record) => record.key))) {
          for (const entry of log.forKey(key)) expect(entry.atMs < cutoffMs).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
