import { countPoints, PermanentError, sleep, type DataBatch, type ExportResult, type TimeWindow } from '@kubestats/core';
import { FakeClock, flushMicrotasks } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './pipeline.js';
import type { PipelineOptions, SinkRegistration } from './pipeline-options.js';
import type { CycleReport } from './run-cycle.js';
import { FakeSink, FakeSource, never, untilAborted, writtenAll } from './test-support/fake-components.js';

const at = (iso: string): number => Date.parse(iso);
const minute = 60_000;
/** Every batch here holds one pod set with two points. */
const pointsPerBatch = 2;

function setup(
  sinks: readonly SinkRegistration[],
  options: Partial<PipelineOptions> = {},
): { clock: FakeClock; pipeline: Pipeline; reports: CycleReport[] } {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock(at('2026-01-01T12:00:03Z'));
  const pipeline = createPipeline({
    sources: [new FakeSource('source/one')],
    processors: [],
    sinks,
    resolutionMs: minute,
    clock,
    ...options,
  });
  const reports: CycleReport[] = [];
  pipeline.onCycle((report) => reports.push(report));
  return { clock, pipeline, reports };
}

const windowNo = (n: number): TimeWindow => ({ startMs: n * minute, endMs: (n + 1) * minute });
const stamps = (batches: readonly DataBatch[]): number[] => batches.map((batch) => batch.timestampMs / minute - 1);

/** A sink whose first export waits until `release()`; later exports answer at once. */
function gatedSink(name: string): { sink: FakeSink; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const sink = new FakeSink(name, async (batch, _signal, attempt) => {
    if (attempt === 1) await gate;
    return writtenAll(batch);
  });
  return { sink, release };
}

async function runWindows(pipeline: Pipeline, windows: readonly number[]): Promise<CycleReport[]> {
  const reports: CycleReport[] = [];
  for (const n of windows) reports.push(await pipeline.runOnce(windowNo(n)));
  return reports;
}

describe('a hanging sink', () => {
  it('delays neither a healthy sink nor the next cycle, and its dropped batches and points are counted exactly', async () => {
    const hanging = new FakeSink('sink/hanging', () => never()); // ignores its signal too
    const healthy = new FakeSink('sink/healthy');
    const { clock, pipeline, reports } = setup([{ sink: hanging }, { sink: healthy }], { stopTimeoutMs: 5000 });
    await pipeline.start();

    const cycles = 10;
    for (let cycle = 0; cycle < cycles; cycle++) {
      const dueMs = at('2026-01-01T12:00:05Z') + cycle * minute;
      await clock.advanceTo(dueMs);
      await flushMicrotasks();
      // The cycle started on time, took no time, and the healthy sink has its batch already.
      expect(reports[cycle]?.startedAtMs).toBe(dueMs);
      expect(reports[cycle]?.durationMs).toBe(0);
      expect(healthy.written).toHaveLength(cycle + 1);
    }
    expect(pipeline.health().cyclesSkipped).toBe(0);
    expect(hanging.attempts).toHaveLength(1); // never called again while its call hangs

    // Held: 1 in export + 5 waiting (default capacity); the other 4 were dropped oldest-first.
    const capacity = 5;
    const overflowed = cycles - 1 - capacity;
    const [hangingHealth, healthyHealth] = pipeline.health().sinks;
    expect(hangingHealth).toMatchObject({
      name: 'sink/hanging',
      queueDepth: capacity + 1,
      droppedBatches: overflowed,
      droppedPoints: overflowed * pointsPerBatch,
      lastSuccessMs: undefined,
    });
    expect(healthyHealth).toMatchObject({ queueDepth: 0, droppedBatches: 0, droppedPoints: 0 });
    // The deadline diagnostic of the first export has expired by now; the hung call shows in the sink's health.
    expect(pipeline.diagnostics.forKey('sink/hanging').map((diagnostic) => diagnostic.reason)).toEqual([
      'sink-queue-overflow',
    ]);
    expect(hangingHealth?.detail).toMatch(/export running for 540000 ms/);
    let metrics = await pipeline.registry.metrics();
    expect(metrics).toContain(
      `kubestats_sink_dropped_batches_total{sink="sink/hanging",reason="sink-queue-overflow"} ${overflowed}`,
    );
    expect(metrics).toContain(
      `kubestats_sink_dropped_points_total{sink="sink/hanging",reason="sink-queue-overflow"} ${overflowed * pointsPerBatch}`,
    );
    expect(metrics).toContain(`kubestats_sink_points_written_total{sink="sink/healthy"} ${cycles * pointsPerBatch}`);
    expect(metrics).toContain('kubestats_sink_queue_depth{sink="sink/hanging"} 6');
    expect(metrics).toContain('kubestats_component_failures_total{component="sink/hanging",reason="component-deadline"} 1');

    // Stop: the flush bound passes, and what the hanging sink still holds is dropped as sink-stopped.
    const stopping = pipeline.stop();
    await clock.advance(5000);
    await stopping;
    expect(pipeline.health().sinks[0]).toMatchObject({
      queueDepth: 0,
      droppedBatches: cycles - 1 + 1,
      droppedPoints: cycles * pointsPerBatch,
    });
    metrics = await pipeline.registry.metrics();
    expect(metrics).toContain(
      `kubestats_sink_dropped_batches_total{sink="sink/hanging",reason="sink-stopped"} ${capacity + 1}`,
    );
    expect(metrics).toContain(
      `kubestats_sink_dropped_points_total{sink="sink/hanging",reason="sink-stopped"} ${(capacity + 1) * pointsPerBatch}`,
    );
    expect(healthy.written).toHaveLength(cycles);
    expect(hanging.stopped).toBe(1);
  });
});

describe('drop policies', () => {
  it('drop-oldest drops the oldest waiting batch, never the one in export', async () => {
    const { sink, release } = gatedSink('sink/gated');
    const { pipeline } = setup([{ sink, queueCapacity: 2 }]);
    await runWindows(pipeline, [1, 2, 3, 4]);
    expect(pipeline.health().sinks[0]).toMatchObject({ queueDepth: 3, droppedBatches: 1, droppedPoints: 2 });
    release();
    await flushMicrotasks(100);
    expect(stamps(sink.written)).toEqual([1, 3, 4]);
    expect(pipeline.diagnostics.forKey('sink/gated')[0]?.detail).toMatch(/dropped the oldest batch/);
  });

  it('drop-newest drops the offered batch', async () => {
    const { sink, release } = gatedSink('sink/gated');
    const { pipeline } = setup([{ sink, queueCapacity: 2, dropPolicy: 'drop-newest' }]);
    await runWindows(pipeline, [1, 2, 3, 4]);
    release();
    await flushMicrotasks(100);
    expect(stamps(sink.written)).toEqual([1, 2, 3]);
    expect(pipeline.health().sinks[0]).toMatchObject({ droppedBatches: 1, droppedPoints: 2 });
  });

  it('block parks the offered batch until space frees, without delaying the cycle or other sinks', async () => {
    const { sink, release } = gatedSink('sink/gated');
    const other = new FakeSink('sink/other');
    const { pipeline, clock } = setup([{ sink, queueCapacity: 2, dropPolicy: 'block' }, { sink: other }]);
    const reports = await runWindows(pipeline, [1, 2, 3, 4]);
    expect(reports.map((report) => report.durationMs)).toEqual([0, 0, 0, 0]);
    await flushMicrotasks();
    expect(stamps(other.written)).toEqual([1, 2, 3, 4]);
    await clock.advance(19_000);
    release();
    await flushMicrotasks(100);
    expect(stamps(sink.written)).toEqual([1, 2, 3, 4]);
    expect(pipeline.health().sinks[0]).toMatchObject({ droppedBatches: 0, queueDepth: 0 });
  });

  it('block drops a parked batch after exportTimeoutMs', async () => {
    const stuck = new FakeSink('sink/stuck', () => never());
    const { pipeline, clock } = setup([{ sink: stuck, queueCapacity: 2, dropPolicy: 'block', exportTimeoutMs: 20_000 }]);
    await runWindows(pipeline, [1, 2, 3]);
    await clock.advance(10_000);
    await runWindows(pipeline, [4]);
    await clock.advance(19_999);
    expect(pipeline.health().sinks[0]).toMatchObject({ droppedBatches: 0, queueDepth: 3 });
    await clock.advance(1);
    expect(pipeline.health().sinks[0]).toMatchObject({ droppedBatches: 1, droppedPoints: 2, queueDepth: 3 });
    expect(await pipeline.registry.metrics()).toContain(
      'kubestats_sink_dropped_batches_total{sink="sink/stuck",reason="sink-queue-overflow"} 1',
    );
  });
});

describe('retries', () => {
  it('retries a retryable failure with jittered exponential backoff, then delivers without loss', async () => {
    const flaky = new FakeSink('sink/flaky', (batch, _signal, attempt) =>
      attempt <= 2 ? Promise.reject(new Error('connection refused')) : Promise.resolve(writtenAll(batch)),
    );
    const { pipeline, clock } = setup([{ sink: flaky }], { retry: { initialBackoffMs: 1000, maxBackoffMs: 8000 } });
    await pipeline.runOnce(windowNo(1));
    await flushMicrotasks();
    expect(flaky.attempts).toHaveLength(1);
    await clock.advance(499); // first backoff is within [500, 1000]
    expect(flaky.attempts).toHaveLength(1);
    await clock.advance(501);
    expect(flaky.attempts).toHaveLength(2);
    // The second backoff is within [1000, 2000], so the third attempt comes between 1500 and 3000 ms.
    await clock.advance(499);
    expect(flaky.attempts).toHaveLength(2);
    await clock.advance(1501);
    expect(flaky.attempts).toHaveLength(3);
    expect(stamps(flaky.written)).toEqual([1]);
    const health = pipeline.health().sinks[0];
    expect(health).toMatchObject({ droppedBatches: 0, droppedPoints: 0 });
    expect(health?.lastSuccessMs).toBeGreaterThanOrEqual(at('2026-01-01T12:00:04.500Z'));
    const metrics = await pipeline.registry.metrics();
    expect(metrics).toContain('kubestats_sink_retries_total{sink="sink/flaky"} 2');
    expect(metrics).toContain('kubestats_component_failures_total{component="sink/flaky",reason="component-failed"} 2');
    expect(pipeline.diagnostics.forKey('sink/flaky').map((diagnostic) => diagnostic.reason)).toEqual([
      'component-failed',
      'sink-retry',
    ]);
  });

  it('retries a sink that honours its deadline, and drops the batch after maxAttempts with the last reason', async () => {
    const slow = new FakeSink('sink/slow', (_batch, signal) => untilAborted<ExportResult>(signal));
    const { pipeline, clock } = setup([{ sink: slow, exportTimeoutMs: 1000 }], {
      retry: { initialBackoffMs: 100, maxBackoffMs: 100, maxAttempts: 3 },
    });
    await pipeline.runOnce(windowNo(1));
    await clock.advance(10_000);
    expect(slow.attempts).toHaveLength(3);
    expect(pipeline.health().sinks[0]).toMatchObject({ droppedBatches: 1, droppedPoints: 2, queueDepth: 0 });
    expect(await pipeline.registry.metrics()).toContain(
      'kubestats_sink_dropped_batches_total{sink="sink/slow",reason="component-deadline"} 1',
    );
  });

  it('does not retry a PermanentError: the batch is dropped as sink-rejected and the next one goes through', async () => {
    const strict = new FakeSink('sink/strict', (batch, _signal, attempt) =>
      attempt === 1 ? Promise.reject(new PermanentError('field type conflict')) : Promise.resolve(writtenAll(batch)),
    );
    const { pipeline, clock } = setup([{ sink: strict }]);
    await runWindows(pipeline, [1, 2]);
    await clock.advance(minute);
    expect(strict.attempts.map((batch) => batch.timestampMs / minute - 1)).toEqual([1, 2]);
    expect(stamps(strict.written)).toEqual([2]);
    expect(pipeline.health().sinks[0]).toMatchObject({ droppedBatches: 1, droppedPoints: 2 });
    const metrics = await pipeline.registry.metrics();
    expect(metrics).toContain('kubestats_sink_dropped_batches_total{sink="sink/strict",reason="sink-rejected"} 1');
    expect(metrics).not.toContain('kubestats_sink_retries_total{sink="sink/strict"}');
  });

  it('counts points a sink rejected as dropped points with reason sink-rejected', async () => {
    const picky = new FakeSink('sink/picky', (batch) =>
      Promise.resolve({
        pointsWritten: countPoints(batch) - 1,
        pointsRejected: 1,
        failures: [{ key: 'default/a', reason: 'sink-rejected', detail: 'sink/picky: value out of range' }],
      }),
    );
    const { pipeline } = setup([{ sink: picky }]);
    await pipeline.runOnce(windowNo(1));
    await flushMicrotasks();
    expect(pipeline.health().sinks[0]).toMatchObject({ droppedBatches: 0, droppedPoints: 1 });
    const metrics = await pipeline.registry.metrics();
    expect(metrics).toContain('kubestats_sink_dropped_points_total{sink="sink/picky",reason="sink-rejected"} 1');
    expect(metrics).toContain('kubestats_sink_points_written_total{sink="sink/picky"} 1');
    expect(pipeline.diagnostics.forKey('default/a')).toEqual([
      expect.objectContaining({ reason: 'sink-rejected', stage: 'export' }),
    ]);
  });
});

describe('stop', () => {
  it('flushes the queues within stopTimeoutMs and counts what is left as sink-stopped', async () => {
    const clock = new FakeClock(at('2026-01-01T12:00:03Z'));
    const slow = new FakeSink('sink/slow', async (batch, signal) => {
      await sleep(clock, 1000, signal);
      return writtenAll(batch);
    });
    const { pipeline } = setup([{ sink: slow }], { stopTimeoutMs: 2500, clock });
    await runWindows(pipeline, [1, 2, 3, 4]);
    const stopping = pipeline.stop();
    await clock.advance(2499);
    expect(stamps(slow.written)).toEqual([1, 2]);
    expect(slow.stopped).toBe(0);
    await clock.advance(1);
    await stopping;
    expect(slow.stopped).toBe(1);
    expect(pipeline.health().sinks[0]).toMatchObject({ queueDepth: 0, droppedBatches: 2, droppedPoints: 4 });
    expect(await pipeline.registry.metrics()).toContain(
      'kubestats_sink_dropped_batches_total{sink="sink/slow",reason="sink-stopped"} 2',
    );
  });

  it('returns as soon as the queues are empty', async () => {
    const sink = new FakeSink('sink/one');
    const { pipeline, clock } = setup([{ sink }]);
    await runWindows(pipeline, [1, 2]);
    const before = clock.now();
    await pipeline.stop();
    expect(clock.now()).toBe(before);
    expect(stamps(sink.written)).toEqual([1, 2]);
    expect(pipeline.health().sinks[0]?.droppedBatches).toBe(0);
  });

  it('waits for the cycle in flight and flushes its batch', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const source = new FakeSource('source/held');
    source.behaviour = async (window) => {
      await gate;
      return source.resultFor(window);
    };
    const sink = new FakeSink('sink/one');
    const clock = new FakeClock(at('2026-01-01T12:00:03Z'));
    const pipeline = createPipeline({ sources: [source], processors: [], sinks: [{ sink }], resolutionMs: minute, clock });
    const cycle = pipeline.runOnce(windowNo(1));
    await flushMicrotasks();
    const stopping = pipeline.stop();
    await flushMicrotasks();
    expect(sink.written).toHaveLength(0);
    release();
    await stopping;
    await cycle;
    expect(stamps(sink.written)).toEqual([1]);
  });
});
