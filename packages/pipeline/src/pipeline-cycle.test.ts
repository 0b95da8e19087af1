import { podKey, sleep, type DiagnosticInput, type ItemFailure, type MetricSet } from '@kubestats/core';
import { FakeClock, flushMicrotasks } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './pipeline.js';
import type { PipelineOptions } from './pipeline-options.js';
import type { CycleReport } from './run-cycle.js';
import { addingProcessor, FakeProcessor, FakeSink, FakeSource, never, podSetOf } from './test-support/fake-components.js';

const at = (iso: string): number => Date.parse(iso);
const minute = 60_000;

function setup(options: Partial<PipelineOptions> = {}): { clock: FakeClock; pipeline: Pipeline; reports: CycleReport[] } {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock(at('2026-01-01T12:00:03Z'));
  const pipeline = createPipeline({ sources: [], processors: [], sinks: [], resolutionMs: minute, clock, ...options });
  const reports: CycleReport[] = [];
  pipeline.onCycle((report) => reports.push(report));
  return { clock, pipeline, reports };
}

const keysOf = (report: CycleReport | undefined): string[] => [...(report?.batch.metricSets.keys() ?? [])].sort();

describe('ticks', () => {
  it('runs one cycle per resolution at window end + offset, for the previous interval', async () => {
    const source = new FakeSource('source/one');
    const sink = new FakeSink('sink/one');
    const { clock, pipeline, reports } = setup({ sources: [source], sinks: [{ sink }] });
    await pipeline.start();
    expect(source.started).toBe(1);
    await clock.advanceTo(at('2026-01-01T12:02:06Z'));

    expect(reports.map((report) => new Date(report.startedAtMs).toISOString())).toEqual([
      '2026-01-01T12:00:05.000Z',
      '2026-01-01T12:01:05.000Z',
      '2026-01-01T12:02:05.000Z',
    ]);
    expect(source.windows).toEqual([
      { startMs: at('2026-01-01T11:59:00Z'), endMs: at('2026-01-01T12:00:00Z') },
      { startMs: at('2026-01-01T12:00:00Z'), endMs: at('2026-01-01T12:01:00Z') },
      { startMs: at('2026-01-01T12:01:00Z'), endMs: at('2026-01-01T12:02:00Z') },
    ]);
    expect(sink.written.map((batch) => new Date(batch.timestampMs).toISOString())).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T12:01:00.000Z',
      '2026-01-01T12:02:00.000Z',
    ]);
    await pipeline.stop();
    expect(source.stopped).toBe(1);
    expect(sink.stopped).toBe(1);
  });

  it('honours a configured offset', async () => {
    const source = new FakeSource('source/one');
    const { clock, pipeline, reports } = setup({ sources: [source], resolutionMs: 15_000, scrapeOffsetMs: 1000 });
    await pipeline.start();
    await clock.advanceTo(at('2026-01-01T12:00:32Z'));
    expect(reports.map((report) => new Date(report.startedAtMs).toISOString())).toEqual([
      '2026-01-01T12:00:16.000Z',
      '2026-01-01T12:00:31.000Z',
    ]);
    expect(reports[1]?.window).toEqual({ startMs: at('2026-01-01T12:00:15Z'), endMs: at('2026-01-01T12:00:30Z') });
    await pipeline.stop();
  });

  it('never overlaps cycles: a tick that finds a cycle running is skipped and counted', async () => {
    const source = new FakeSource('source/one');
    const clock = new FakeClock(at('2026-01-01T12:00:03Z'));
    // Ignores its signal and needs 90 s: the cycle runs to its one-resolution budget and past the next tick.
    const slow = new FakeProcessor('processor/slow', async (batch) => {
      await sleep(clock, 90_000);
      return { batch, failures: [], diagnostics: [] };
    });
    const sink = new FakeSink('sink/one');
    const { pipeline, reports } = setup({ sources: [source], processors: [slow], sinks: [{ sink }], clock });
    await pipeline.start();
    await clock.advanceTo(at('2026-01-01T12:03:10Z'));

    expect(slow.concurrency.max).toBe(1);
    expect(source.concurrency.max).toBe(1);
    // 12:00:05 ran (until 12:01:05), 12:01:05 skipped, 12:02:05 ran (until 12:03:05), 12:03:05 skipped.
    expect(reports.map((report) => new Date(report.startedAtMs).toISOString())).toEqual([
      '2026-01-01T12:00:05.000Z',
      '2026-01-01T12:02:05.000Z',
    ]);
    expect(reports[0]?.durationMs).toBe(minute);
    expect(pipeline.health()).toMatchObject({ cyclesCompleted: 2, cyclesSkipped: 2 });
    const overruns = pipeline.diagnostics.forKey('pipeline');
    expect(overruns).toEqual([expect.objectContaining({ reason: 'cycle-overrun', atMs: at('2026-01-01T12:03:05Z') })]);
    // The batch from before the late processor still reached the sink.
    expect(sink.written).toHaveLength(2);
    expect(keysOf(reports[0])).toEqual([podKey('default', 'a')]);
    expect(reports[0]?.failures).toEqual([
      expect.objectContaining({ key: 'processor/slow', reason: 'component-deadline' }),
    ]);
    const metrics = await pipeline.registry.metrics();
    expect(metrics).toContain('kubestats_cycles_skipped_total 2');
    expect(metrics).toContain('kubestats_diagnostics_total{reason="cycle-overrun"} 2');
    const stopping = pipeline.stop();
    await clock.advance(minute);
    await stopping;
  });

  it('runOnce waits for the cycle in flight instead of overlapping it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = new FakeProcessor('processor/held', async (batch) => {
      await gate;
      return { batch, failures: [], diagnostics: [] };
    });
    const { pipeline } = setup({ sources: [new FakeSource('source/one')], processors: [held] });
    const first = pipeline.runOnce();
    const second = pipeline.runOnce();
    await flushMicrotasks(50);
    expect(held.inputs).toHaveLength(1);
    release();
    await Promise.all([first, second]);
    expect(held.inputs).toHaveLength(2);
    expect(held.concurrency.max).toBe(1);
  });
});

describe('sources', () => {
  it('scrapes concurrently and merges in source order, the later source winning a repeated key', async () => {
    const one = new FakeSource('source/one', ['a', 'b']);
    const two = new FakeSource('source/two', ['b', 'c']);
    let fromTwo: MetricSet | undefined;
    let releaseOne!: () => void;
    const gate = new Promise<void>((resolve) => (releaseOne = resolve));
    one.behaviour = async (window) => {
      await gate;
      return one.resultFor(window);
    };
    two.behaviour = (window) => {
      const result = two.resultFor(window);
      fromTwo = result.batch.metricSets.get(podKey('default', 'b'));
      return Promise.resolve(result);
    };
    const { pipeline } = setup({ sources: [one, two] });
    const running = pipeline.runOnce();
    await flushMicrotasks();
    expect(two.windows).toHaveLength(1); // not waiting for source one
    releaseOne();
    const report = await running;
    expect(keysOf(report)).toEqual(['a', 'b', 'c'].map((pod) => podKey('default', pod)));
    expect(report.batch.metricSets.get(podKey('default', 'b'))).toBe(fromTwo);
    expect(report.batch.timestampMs).toBe(at('2026-01-01T12:00:00Z'));
    expect(await pipeline.registry.metrics()).toContain(
      'kubestats_source_duplicate_keys_total{component="source/two"} 1',
    );
    const repeated = report.diagnostics.filter((diagnostic) => diagnostic.reason === 'key-from-several-sources');
    expect(repeated).toHaveLength(1);
    expect(repeated[0]).toMatchObject({ key: podKey('default', 'b'), stage: 'pipeline' });
    expect(repeated[0]?.detail).toMatch(/reported by source\/one and source\/two; kept source\/two's set/);
  });

  it('abandons a source that ignores its deadline and still exports the other sources', async () => {
    const hung = new FakeSource('source/hung');
    hung.behaviour = () => never();
    const fine = new FakeSource('source/fine', ['x']);
    const sink = new FakeSink('sink/one');
    const { clock, pipeline, reports } = setup({ sources: [hung, fine], sinks: [{ sink }], scrapeTimeoutMs: 10_000 });
    await pipeline.start();
    await clock.advanceTo(at('2026-01-01T12:00:05Z') + 9_999);
    expect(reports).toHaveLength(0);
    await clock.advance(1);
    await flushMicrotasks();

    expect(reports).toHaveLength(1);
    expect(reports[0]?.durationMs).toBe(10_000);
    expect(keysOf(reports[0])).toEqual([podKey('default', 'x')]);
    expect(reports[0]?.failures).toEqual([
      expect.objectContaining({ key: 'source/hung', reason: 'component-deadline' }),
    ]);
    expect(sink.written.map((batch) => [...batch.metricSets.keys()])).toEqual([[podKey('default', 'x')]]);
    expect(pipeline.diagnostics.forKey('source/hung')).toEqual([
      expect.objectContaining({ reason: 'component-deadline', stage: 'scrape', atMs: at('2026-01-01T12:00:15Z') }),
    ]);

    // Next cycle: the abandoned scrape is still running, so the source is skipped rather than called twice.
    await clock.advanceTo(at('2026-01-01T12:01:06Z'));
    expect(hung.windows).toHaveLength(1);
    expect(fine.windows).toHaveLength(2);
    expect(reports[1]?.failures[0]?.detail).toMatch(/source\/hung: skipped, its previous scrape is still running/);
    expect(reports[1]?.durationMs).toBe(0);
  });

  it('aborts the signal of a source at the deadline and calls it again next cycle', async () => {
    const polite = new FakeSource('source/polite');
    const reasons: unknown[] = [];
    polite.behaviour = (_window, signal) =>
      new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          reasons.push(signal.reason);
          reject(signal.reason as Error);
        }),
      );
    const { pipeline, clock } = setup({ sources: [polite], scrapeTimeoutMs: 5000 });
    const first = pipeline.runOnce();
    await clock.advance(5000);
    expect((await first).failures).toEqual([expect.objectContaining({ reason: 'component-deadline' })]);
    expect(String(reasons[0])).toMatch(/source\/polite: no answer within 5000 ms/);
    const second = pipeline.runOnce();
    await clock.advance(5000);
    await second;
    expect(polite.windows).toHaveLength(2);
  });

  it('records failures and diagnostics of results with the clock time, and expires them after 3 resolutions', async () => {
    const source = new FakeSource('source/one');
    const failure: ItemFailure = {
      key: 'node:n1',
      reason: 'scrape-timeout',
      detail: 'kubelet 10.0.0.7:10250: timeout',
      node: 'node:n1',
    };
    const diagnostic: DiagnosticInput = {
      key: podKey('default', 'a'),
      stage: 'scrape',
      reason: 'missing-value',
      detail: 'no memory',
    };
    let calls = 0;
    source.behaviour = (window) =>
      Promise.resolve({
        ...source.resultFor(window),
        ...(calls++ === 0 ? { failures: [failure], diagnostics: [diagnostic] } : {}),
      });
    const { clock, pipeline, reports } = setup({ sources: [source] });
    await pipeline.start();
    await clock.advanceTo(at('2026-01-01T12:00:05Z'));
    expect(reports[0]?.failures).toEqual([failure]);
    expect(reports[0]?.diagnostics).toEqual([
      { key: 'node:n1', stage: 'scrape', reason: 'scrape-timeout', detail: failure.detail, node: 'node:n1', atMs: at('2026-01-01T12:00:05Z') },
      { ...diagnostic, atMs: at('2026-01-01T12:00:05Z') },
    ]);
    expect(pipeline.diagnostics.forKey('node:n1')).toHaveLength(1);
    await clock.advanceTo(at('2026-01-01T12:03:05Z'));
    expect(pipeline.diagnostics.forKey('node:n1')).toHaveLength(1); // exactly 3 resolutions old: kept
    await clock.advanceTo(at('2026-01-01T12:04:05Z'));
    expect(pipeline.diagnostics.forKey('node:n1')).toEqual([]);
    expect(pipeline.diagnostics.forKey(podKey('default', 'a'))).toEqual([]);
    expect(pipeline.diagnostics.counts().get('scrape-timeout')).toBe(1);
    await pipeline.stop();
  });
});

describe('processors', () => {
  it('run in order; one that rejects is skipped and the batch from before it continues', async () => {
    const first = addingProcessor('processor/first', 'p1');
    const broken = new FakeProcessor('processor/broken', () => Promise.reject(new Error('state corrupted')));
    const last = addingProcessor('processor/last', 'p3');
    const sink = new FakeSink('sink/one');
    const { pipeline } = setup({ sources: [new FakeSource('source/one')], processors: [first, broken, last], sinks: [{ sink }] });
    const report = await pipeline.runOnce();
    expect(keysOf(report)).toEqual(['a', 'p1', 'p3'].map((pod) => podKey('default', pod)));
    expect([...(last.inputs[0]?.metricSets.keys() ?? [])]).toEqual(['a', 'p1'].map((pod) => podKey('default', pod)));
    expect(report.failures).toEqual([
      expect.objectContaining({
        key: 'processor/broken',
        reason: 'component-failed',
        detail: 'processor/broken: process failed: state corrupted',
      }),
    ]);
    await flushMicrotasks();
    expect(sink.written[0]).toBe(report.batch);
  });

  it('keeps a processor result whose items partly failed', async () => {
    const partial = new FakeProcessor('processor/partial', (batch) =>
      Promise.resolve({
        batch: { timestampMs: batch.timestampMs, metricSets: new Map([[podKey('default', 'z'), podSetOf('z')]]) },
        failures: [{ key: podKey('default', 'a'), reason: 'missing-metadata', detail: 'pod default/a not cached' }],
        diagnostics: [],
      }),
    );
    const { pipeline } = setup({ sources: [new FakeSource('source/one')], processors: [partial] });
    const report = await pipeline.runOnce();
    expect(keysOf(report)).toEqual([podKey('default', 'z')]);
    expect(pipeline.diagnostics.forKey(podKey('default', 'a'))).toEqual([
      expect.objectContaining({ reason: 'missing-metadata', stage: 'pipeline' }),
    ]);
    expect(await pipeline.registry.metrics()).toContain(
      'kubestats_component_failures_total{component="processor/partial",reason="missing-metadata"} 1',
    );
  });
});

describe('components', () => {
  it('names repeated component names apart', async () => {
    const { pipeline } = setup({ sinks: [{ sink: new FakeSink('sink/influxdb') }, { sink: new FakeSink('sink/influxdb') }] });
    expect(pipeline.health().sinks.map((sink) => sink.name)).toEqual(['sink/influxdb', 'sink/influxdb#2']);
    await pipeline.stop();
  });

  it('rejects start() naming the component whose start failed', async () => {
    const source = new FakeSource('source/broken');
    source.start = () => Promise.reject(new Error('no kubeconfig'));
    const { pipeline } = setup({ sources: [source] });
    await expect(pipeline.start()).rejects.toThrow('pipeline start: source/broken: no kubeconfig');
    await pipeline.stop();
  });

  it('rejects stop() naming a component whose stop failed, after stopping the others', async () => {
    const source = new FakeSource('source/one');
    const sink = new FakeSink('sink/bad');
    sink.stop = () => Promise.reject(new Error('flush failed'));
    const { pipeline } = setup({ sources: [source], sinks: [{ sink }] });
    await pipeline.start();
    await expect(pipeline.stop()).rejects.toThrow('pipeline stop: sink/bad: flush failed');
    expect(source.stopped).toBe(1);
    await expect(pipeline.runOnce()).rejects.toThrow('runOnce() after stop()');
  });
});
