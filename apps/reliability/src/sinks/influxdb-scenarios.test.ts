/**
 * InfluxDB sink scenarios on the real server (scripts/services up) through a TCP proxy: down at start, killed
 * mid-run and back, slow, and a server rejecting points. Expected: within the queue bound zero points lost (what was
 * scraped is what InfluxDB holds); beyond it, exactly the counted drops are missing; rejected points are counted.
 */
import { parseOptions, silentLogger, systemClock } from '@kubestats/core';
import { influxdbConfigSchema, influxdbSinkFactory } from '@kubestats/sink-influxdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSinkScenario, type ScenarioCounts } from './sink-scenario.js';
import { TcpFaultProxy } from './tcp-fault-proxy.js';

const influxUrl = new URL(process.env.KUBESTATS_INFLUXDB_URL ?? 'http://127.0.0.1:8086');
const databases: string[] = [];
let available = false;

async function influxql(statement: string, db?: string): Promise<{ results: { series?: { values: unknown[][] }[]; error?: string }[] }> {
  const params = new URLSearchParams({ q: statement, ...(db ? { db } : {}) });
  const response = await fetch(`${influxUrl.origin}/query?${params.toString()}`, { method: /^\s*select/i.test(statement) ? 'GET' : 'POST' });
  return (await response.json()) as { results: { series?: { values: unknown[][] }[]; error?: string }[] };
}

/** Points InfluxDB holds in `db`, over both measurements the counting source writes. */
async function landedPoints(db: string): Promise<number> {
  const body = await influxql('SELECT COUNT("value") FROM "cpu/usage_rate", "memory/usage"', db);
  return (body.results[0]?.series ?? []).reduce((sum, series) => sum + Number(series.values[0]?.[1] ?? 0), 0);
}

function influxSink(proxy: TcpFaultProxy, db: string, extra: Record<string, unknown> = {}) {
  databases.push(db);
  const parsed = parseOptions(influxdbConfigSchema, { db, timeout: '2s', cluster_name: 'reliability', ...extra });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return influxdbSinkFactory.create({ config: parsed.config, target: `http://${proxy.address}`, logger: silentLogger, clock: systemClock, metadata: undefined });
}

function uniqueDb(label: string): string {
  return `kubestats_reliability_${label}_${process.pid}_${Date.now().toString(36)}`;
}

/** Scraped / written / dropped / landed per scenario, printed for the scorecard (docs/reliability.md). */
const influxResults: Record<string, ScenarioCounts & { landed: number }> = {};

beforeAll(async () => {
  try {
    available = (await fetch(`${influxUrl.origin}/ping`, { signal: AbortSignal.timeout(2000) })).status === 204;
  } catch {
    available = false;
  }
  if (!available) throw new Error(`InfluxDB is not reachable at ${influxUrl.origin}; start it with scripts/services up`);
});

afterAll(async () => {
  for (const [scenario, counts] of Object.entries(influxResults)) console.log(`influxdb scorecard: ${scenario}: ${JSON.stringify(counts)}`);
  if (available) for (const db of databases) await influxql(`DROP DATABASE "${db}"`);
});

describe('InfluxDB sink on the real server, through a TCP proxy', () => {
  it('down at start, within the queue bound → zero points lost once it is up', async () => {
    const proxy = new TcpFaultProxy(influxUrl.hostname, Number(influxUrl.port));
    await proxy.reserveDown();
    const db = uniqueDb('down_within');
    const scenario = startSinkScenario(influxSink(proxy, db), { queueCapacity: 3 });
    for (let cycle = 0; cycle < 3; cycle++) await scenario.cycle();
    await proxy.up();
    const counts = await scenario.finish();
    const landed = await landedPoints(db);
    influxResults['down at start (3 cycles, queue 3)'] = { ...counts, landed };
    expect(counts).toMatchObject({ scraped: 30, written: 30, dropped: 0 });
    expect(landed).toBe(30);
    await proxy.down();
  });

  it('down at start, beyond the queue bound → exactly the counted drops are missing', async () => {
    const proxy = new TcpFaultProxy(influxUrl.hostname, Number(influxUrl.port));
    await proxy.reserveDown();
    const db = uniqueDb('down_beyond');
    const scenario = startSinkScenario(influxSink(proxy, db), { queueCapacity: 3 });
    for (let cycle = 0; cycle < 9; cycle++) await scenario.cycle();
    await proxy.up();
    const counts = await scenario.finish();
    const landed = await landedPoints(db);
    influxResults['down at start (9 cycles, queue 3)'] = { ...counts, landed };
    expect(counts.scraped).toBe(90);
    expect(counts.dropped).toBeGreaterThan(0);
    expect(counts.droppedByReason['sink-queue-overflow']).toBe(counts.dropped);
    expect(counts.written + counts.dropped).toBe(counts.scraped);
    expect(landed).toBe(counts.written);
    await proxy.down();
  });

  it('killed mid-run and back → zero points lost', async () => {
    const proxy = new TcpFaultProxy(influxUrl.hostname, Number(influxUrl.port));
    await proxy.up();
    const db = uniqueDb('killed');
    const scenario = startSinkScenario(influxSink(proxy, db), { queueCapacity: 3 });
    await scenario.cycle();
    await scenario.cycle();
    // Cycles here come back to back, not 10 s apart: let the queue drain first so the outage starts from an empty
    // queue, as it would in production, and the next cycles stay within the bound.
    await scenario.drained();
    await proxy.down();
    await scenario.cycle();
    await scenario.cycle();
    await proxy.up();
    await scenario.cycle();
    const counts = await scenario.finish();
    const landed = await landedPoints(db);
    influxResults['killed mid-run and back'] = { ...counts, landed };
    expect(counts).toMatchObject({ scraped: 50, written: 50, dropped: 0 });
    expect(landed).toBe(50);
    await proxy.down();
  });

  it('slow (150 ms per chunk) → zero points lost', async () => {
    const proxy = new TcpFaultProxy(influxUrl.hostname, Number(influxUrl.port));
    await proxy.up();
    proxy.latencyMs = 150;
    const db = uniqueDb('slow');
    const scenario = startSinkScenario(influxSink(proxy, db), { queueCapacity: 3 });
    for (let cycle = 0; cycle < 3; cycle++) await scenario.cycle();
    const counts = await scenario.finish();
    const landed = await landedPoints(db);
    influxResults['slow (150 ms per chunk)'] = { ...counts, landed };
    expect(counts).toMatchObject({ scraped: 30, written: 30, dropped: 0 });
    expect(landed).toBe(30);
    await proxy.down();
  });

  it('rejecting points (field type conflict) → rejected points counted as sink-rejected, the rest lands', async () => {
    const proxy = new TcpFaultProxy(influxUrl.hostname, Number(influxUrl.port));
    await proxy.up();
    const db = uniqueDb('rejecting');
    await influxql(`CREATE DATABASE "${db}"`);
    await influxql(`CREATE RETENTION POLICY "default" ON "${db}" DURATION 0s REPLICATION 1 DEFAULT`);
    // memory/usage already holds a string field in this shard, so every integer memory/usage point is refused.
    const line = `memory/usage,reliability=conflict value="not a number" ${(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000) * 1e6}`;
    const write = await fetch(`${influxUrl.origin}/write?db=${db}&rp=default`, { method: 'POST', body: line });
    expect(write.status).toBe(204);
    const scenario = startSinkScenario(influxSink(proxy, db), { queueCapacity: 3 });
    for (let cycle = 0; cycle < 3; cycle++) await scenario.cycle();
    const counts = await scenario.finish();
    const landed = await landedPoints(db);
    influxResults['rejecting points'] = { ...counts, landed };
    expect(counts.scraped).toBe(30);
    expect(counts.droppedByReason['sink-rejected']).toBe(15);
    expect(counts.written).toBe(15);
    expect(landed).toBe(counts.written);
    await proxy.down();
  });
});
