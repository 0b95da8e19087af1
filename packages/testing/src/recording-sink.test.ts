import { PermanentError } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { sinkContract } from './contract-suites.js';
import { flushMicrotasks } from './fake-clock.js';
import { RecordingSink } from './recording-sink.js';
import { buildBatch, nodeSet } from './metric-set-builders.js';

const batch = (timestampMs: number) => buildBatch(timestampMs, [nodeSet({ node: 'n1', metrics: { 'memory/usage': 1n, 'cpu/usage': 2n } })]);
const live = () => new AbortController().signal;

describe('RecordingSink', () => {
  it('records exported batches and counts points', async () => {
    const sink = new RecordingSink();
    await expect(sink.export(batch(1), live())).resolves.toEqual({ pointsWritten: 2, pointsRejected: 0, failures: [] });
    expect(sink.exported.map((b) => b.timestampMs)).toEqual([1]);
    expect(sink.lastBatch?.timestampMs).toBe(1);
  });

  it('fails a given number of times, then succeeds', async () => {
    const sink = new RecordingSink().failWith(new PermanentError('bad field'), 2);
    await expect(sink.export(batch(1), live())).rejects.toThrow('bad field');
    await expect(sink.export(batch(2), live())).rejects.toBeInstanceOf(PermanentError);
    await sink.export(batch(3), live());
    expect(sink.attempts).toHaveLength(3);
    expect(sink.exported.map((b) => b.timestampMs)).toEqual([3]);
  });

  it('hangs until released, or rejects when the signal aborts', async () => {
    const sink = new RecordingSink().hang();
    const controller = new AbortController();
    let settled = false;
    const released = sink.export(batch(1), live()).then(() => (settled = true));
    const aborted = sink.export(batch(2), controller.signal);
    await flushMicrotasks();
    expect(settled).toBe(false);
    expect(sink.pending).toBe(2);
    controller.abort(new Error('deadline'));
    await expect(aborted).rejects.toThrow('deadline');
    sink.release();
    await released;
    expect(sink.exported.map((b) => b.timestampMs)).toEqual([1]);
    expect(sink.pending).toBe(0);
  });

  it('rejects points with a well-formed failure and resolves waiters', async () => {
    const sink = new RecordingSink('sink/x').rejectPoints();
    const waiting = sink.waitForExports(1);
    const result = await sink.export(batch(1), live());
    await waiting;
    expect(result).toEqual({ pointsWritten: 0, pointsRejected: 2, failures: [{ key: 'sink/x', reason: 'sink-rejected', detail: 'sink/x: points rejected by the test' }] });
  });
});

sinkContract({ name: 'RecordingSink', create: () => new RecordingSink() });
