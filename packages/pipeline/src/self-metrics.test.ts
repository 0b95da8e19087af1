import { DiagnosticsLog } from '@kubestats/core';
import { FakeClock } from '@kubestats/testing';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createPipeline } from './pipeline.js';
import { FakeSink, FakeSource } from './test-support/fake-components.js';

describe('self-metrics', () => {
  it('registers every kubestats_* metric on the given registry with its type', async () => {
    const registry = new Registry();
    const clock = new FakeClock(Date.parse('2026-01-01T12:00:03Z'));
    const pipeline = createPipeline({
      sources: [new FakeSource('source/one')],
      processors: [],
      sinks: [{ sink: new FakeSink('sink/one') }],
      resolutionMs: 60_000,
      clock,
      registry,
    });
    expect(pipeline.registry).toBe(registry);
    await pipeline.runOnce();
    const text = await registry.metrics();
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => `${match[1]} ${match[2]}`);
    expect(types.sort()).toEqual(
      [
        'kubestats_component_duration_seconds histogram',
        'kubestats_component_failures_total counter',
        'kubestats_component_last_success_timestamp_seconds gauge',
        'kubestats_cycle_duration_seconds histogram',
        'kubestats_cycles_completed_total counter',
        'kubestats_cycles_skipped_total counter',
        'kubestats_diagnostics_total counter',
        'kubestats_diagnostics_log_keys gauge',
        'kubestats_diagnostics_log_forgotten_keys_total counter',
        'kubestats_healthy gauge',
        'kubestats_latest_batch_timestamp_seconds gauge',
        'kubestats_live gauge',
        'kubestats_ready gauge',
        'kubestats_sink_dropped_batches_total counter',
        'kubestats_sink_dropped_points_total counter',
        'kubestats_sink_points_written_total counter',
        'kubestats_sink_queue_depth gauge',
        'kubestats_sink_retries_total counter',
        'kubestats_source_duplicate_keys_total counter',
      ].sort(),
    );
    expect(text).toContain('kubestats_cycles_completed_total 1');
    expect(text).toContain('kubestats_cycle_duration_seconds_count 1');
    expect(text).toContain('kubestats_component_duration_seconds_count{component="source/one"} 1');
    expect(text).toContain('kubestats_component_last_success_timestamp_seconds{component="source/one"} 1767268803');
  });

  it('shows how full the diagnostics log is and how many keys it forgot for lack of room', async () => {
    const source = new FakeSource('source/one');
    source.behaviour = (window) =>
      Promise.resolve({
        ...source.resultFor(window),
        diagnostics: ['a', 'b', 'c'].map((pod) => ({ key: `namespace:default/pod:${pod}`, stage: 'rate' as const, reason: 'first-sample' as const, detail: 'first' })),
      });
    const pipeline = createPipeline({
      sources: [source],
      processors: [],
      sinks: [{ sink: new FakeSink('sink/one') }],
      resolutionMs: 60_000,
      clock: new FakeClock(Date.parse('2026-01-01T12:00:03Z')),
      diagnostics: new DiagnosticsLog({ maxKeys: 2 }),
    });
    await pipeline.runOnce();
    const text = await pipeline.registry.metrics();
    expect(text).toContain('kubestats_diagnostics_log_keys 2');
    expect(text).toContain('kubestats_diagnostics_log_forgotten_keys_total 1');
  });
});
