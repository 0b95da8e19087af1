/**
 * Process row: a crash-restart does not duplicate InfluxDB points. A batch the crashed process already wrote is
 * written again by the restarted one (a fresh sink instance, same config): every point carries the batch timestamp
 * and the same series (measurement + tags), so InfluxDB overwrites it by (measurement, tag set, time) and the point
 * count must not grow. The control: the same sets at the next timestamp do add points, so the count can fail.
 */
import { countPoints, parseOptions, systemClock, type DataBatch, type MetricSet } from '@kubestats/core';
import { influxdbConfigSchema, influxdbSinkFactory } from '@kubestats/sink-influxdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMatrix } from '../matrix/kubelet-matrix-harness.js';
import { captureLog } from '../matrix/log-capture.js';
import { influxAvailable, influxql, influxUrl, totalPoints, uniqueDb } from './influxdb-query.js';

let available = false;
const databases: string[] = [];

beforeAll(async () => {
  available = await influxAvailable();
});

afterAll(async () => {
  if (available) for (const db of databases) await influxql(`DROP DATABASE "${db}"`);
});

/** A new process's sink: a fresh instance, started, same options as the crashed one. */
async function restartedSink(db: string) {
  const parsed = parseOptions(influxdbConfigSchema, { db, cluster_name: 'reliability', timeout: '5s' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const sink = influxdbSinkFactory.create({ config: parsed.config, target: influxUrl.origin, logger: captureLog().logger, clock: systemClock, metadata: undefined });
  await sink.start?.(AbortSignal.timeout(10_000));
  return sink;
}

function shifted(batch: DataBatch, byMs: number): DataBatch {
  const sets = new Map<string, MetricSet>();
  for (const [key, set] of batch.metricSets) sets.set(key, { ...set, scrapeTimeMs: set.scrapeTimeMs + byMs });
  return { ...batch, timestampMs: batch.timestampMs + byMs, metricSets: sets };
}

describe('process: crash-restart against the real InfluxDB', () => {
  it('the same batch written again by a restarted process → InfluxDB point count unchanged (idempotent timestamps)', async () => {
    // A real batch: kubelet-sim through the real source and processors (second cycle, so rates and aggregates exist).
    const matrix = await startMatrix();
    let batch: DataBatch;
    try {
      await matrix.cycle();
      batch = (await matrix.cycle()).batch;
    } finally {
      await matrix.stop();
    }
    // InfluxDB keeps points inside its retention: move the batch to a recent whole second.
    batch = shifted(batch, Math.floor(Date.now() / 1000) * 1000 - 60_000 - batch.timestampMs);
    const db = uniqueDb('restart');
    databases.push(db);

    const before = await restartedSink(db);
    const first = await before.export(batch, AbortSignal.timeout(10_000));
    expect(first.failures).toEqual([]);
    expect(first.pointsWritten).toBe(countPoints(batch));
    const afterFirst = await totalPoints(db);
    expect(afterFirst).toBe(countPoints(batch));
    // The process dies here (no stop, no flush bookkeeping); the restarted one replays the batch it lost track of.
    const after = await restartedSink(db);
    const replay = await after.export(batch, AbortSignal.timeout(10_000));
    expect(replay.failures).toEqual([]);
    expect(await totalPoints(db)).toBe(afterFirst);

    // Control: the same series one resolution later are new points, so a duplicate would have been counted.
    await after.export(shifted(batch, 10_000), AbortSignal.timeout(10_000));
    expect(await totalPoints(db)).toBe(2 * afterFirst);
    console.log(`process scorecard: crash-restart replay: batch ${countPoints(batch)} points; after first write ${afterFirst}, after replay ${afterFirst}, control next timestamp ${2 * afterFirst}`);
    await before.stop?.();
    await after.stop?.();
  });
});
