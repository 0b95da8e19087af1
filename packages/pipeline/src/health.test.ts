import { FakeClock } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { assessHealth, type HealthInputs } from './health.js';
import { createPipeline } from './pipeline.js';
import { FakeSink, FakeSource } from './test-support/fake-components.js';

const minute = 60_000;
const base: HealthInputs = {
  nowMs: 10 * minute,
  resolutionMs: minute,
  scrapeTimeoutMs: 20_000,
  cyclesCompleted: 3,
  cyclesSkipped: 0,
  latestBatch: { timestampMs: 9 * minute, metricSetCount: 4 },
  nextTickDueAtMs: 10 * minute + 5000,
  cycleRunningSinceMs: undefined,
  sinks: [],
};

describe('assessHealth', () => {
  it('is ready, healthy and live with a fresh non-empty batch and ticks on time', () => {
    expect(assessHealth(base)).toMatchObject({ ready: true, healthy: true, live: true, detail: 'ok: 3 cycles completed, 0 skipped' });
  });

  it('is not ready or healthy before the first cycle', () => {
    expect(assessHealth({ ...base, cyclesCompleted: 0, latestBatch: undefined })).toMatchObject({
      ready: false,
      healthy: false,
      live: true,
    });
  });

  it('is unhealthy once the newest batch is 3 resolutions old, scaling with the resolution', () => {
    expect(assessHealth({ ...base, nowMs: 12 * minute - 1 }).healthy).toBe(true);
    const stale = assessHealth({ ...base, nowMs: 12 * minute });
    expect(stale).toMatchObject({ ready: true, healthy: false });
    expect(stale.detail).toBe('newest batch is 180000 ms old (limit 180000 ms)');
    const slow = { ...base, resolutionMs: 5 * minute, latestBatch: { timestampMs: 0, metricSetCount: 1 } };
    expect(assessHealth({ ...slow, nowMs: 14 * minute }).healthy).toBe(true);
  });

  it('is unhealthy with an empty batch', () => {
    const empty = assessHealth({ ...base, latestBatch: { timestampMs: 9 * minute, metricSetCount: 0 } });
    expect(empty).toMatchObject({ healthy: false, detail: 'newest batch is empty' });
  });

  it('is not live when a tick is overdue or a cycle runs by more than 2 resolutions + the scrape timeout', () => {
    const limit = 2 * minute + 20_000;
    expect(assessHealth({ ...base, nowMs: base.nextTickDueAtMs! + limit }).live).toBe(true);
    expect(assessHealth({ ...base, nowMs: base.nextTickDueAtMs! + limit + 1 }).live).toBe(false);
    expect(assessHealth({ ...base, cycleRunningSinceMs: base.nowMs - limit - 1 })).toMatchObject({
      live: false,
      detail: `cycle running for ${limit + 1} ms (limit ${limit} ms)`,
    });
  });
});

describe('pipeline health', () => {
  it('moves from not ready to healthy, to unhealthy when sources go empty, and reports sinks', async () => {
    const clock = new FakeClock(Date.parse('2026-01-01T12:00:03Z'));
    const source = new FakeSource('source/one');
    const sink = new FakeSink('sink/one');
    sink.health = () => ({ ready: false, detail: 'connecting to 127.0.0.1:8086' });
    const pipeline = createPipeline({ sources: [source], processors: [], sinks: [{ sink }], resolutionMs: minute, clock });
    expect(pipeline.health()).toMatchObject({ ready: false, healthy: false, live: true, cyclesCompleted: 0 });
    await pipeline.start();
    await clock.advance(2000);
    expect(pipeline.health()).toMatchObject({
      ready: true,
      healthy: true,
      latestBatchTimestampMs: Date.parse('2026-01-01T12:00:00Z'),
    });
    expect(pipeline.health().sinks[0]).toMatchObject({ name: 'sink/one', ready: false, queueDepth: 0 });
    expect(pipeline.health().sinks[0]?.detail).toMatch(/^connecting to 127.0.0.1:8086; 0 queued/);

    source.behaviour = () => Promise.reject(new Error('kubelets unreachable'));
    await clock.advance(minute);
    expect(pipeline.health()).toMatchObject({ ready: true, healthy: false, cyclesCompleted: 2 });
    const metrics = await pipeline.registry.metrics();
    expect(metrics).toContain('kubestats_ready 1');
    expect(metrics).toContain('kubestats_healthy 0');
    expect(metrics).toContain('kubestats_live 1');
    expect(metrics).toContain('kubestats_latest_batch_timestamp_seconds 1767268860');
    await pipeline.stop();
  });
});
