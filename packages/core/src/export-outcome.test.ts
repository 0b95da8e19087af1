import { describe, expect, it } from 'vitest';
import { PermanentError } from './errors.js';
import { exportResultOf } from './export-outcome.js';
import { raceAbort } from './race-abort.js';

describe('exportResultOf', () => {
  it('sums chunk outcomes and keeps every failure', () => {
    const mappingFailure = { key: 'k', reason: 'sink-rejected' as const, detail: 'NaN value' };
    const chunkFailure = { key: 'sink/x', reason: 'sink-rejected' as const, detail: 'field type conflict' };
    expect(exportResultOf('sink/x', [mappingFailure], [{ written: 10, rejected: 0 }, { written: 5, rejected: 2, failure: chunkFailure }])).toEqual({
      pointsWritten: 15,
      pointsRejected: 3,
      failures: [mappingFailure, chunkFailure],
    });
  });

  it('makes a batch whose every point was rejected a PermanentError naming the causes', () => {
    const failure = { key: 'sink/x', reason: 'sink-rejected' as const, detail: 'message too large' };
    expect(() => exportResultOf('sink/x', [], [{ written: 0, rejected: 4, failure }])).toThrow(PermanentError);
    expect(() => exportResultOf('sink/x', [], [{ written: 0, rejected: 4, failure }])).toThrow('sink/x: all 4 points rejected: message too large');
  });

  it('is an empty success for an empty batch', () => {
    expect(exportResultOf('sink/x', [], [])).toEqual({ pointsWritten: 0, pointsRejected: 0, failures: [] });
  });
});

describe('raceAbort', () => {
  it('settles with the work when the signal stays quiet', async () => {
    await expect(raceAbort(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
  });

  it('rejects with the abort reason while the work still hangs', async () => {
    const controller = new AbortController();
    const pending = raceAbort(new Promise<never>(() => undefined), controller.signal);
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
  });
});
