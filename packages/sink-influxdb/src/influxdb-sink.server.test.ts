/**
 * The InfluxDB sink against the real InfluxDB 1.x started by `scripts/services up`: data from a real kubelet summary
 * written in both schemas and read back with InfluxQL (values, tags, field types), retention policies honoured,
 * Heapster's Grafana dashboards answered, partial writes counted, and faults through a TCP proxy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  countPoints,
  isPermanentError,
  metricDescriptor,
  parseOptions,
  silentLogger,
  systemClock,
  type DataBatch,
  type Logger,
} from '@kubestats/core';
import { RecordingLogger, sinkContract, summaryBatch, summaryFixtureName, TcpProxy } from '@kubestats/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, influxdbUrl, influxql, requireInfluxdb, uniqueDatabase, writeLines, type Series } from './fixtures/influxdb-server.js';
import { influxdbConfigSchema } from './influxdb-options.js';
import { influxdbSinkFactory } from './influxdb-sink-factory.js';
import type { InfluxdbSink } from './influxdb-sink.js';

const created: string[] = [];
// A minute ago, whole minute: inside Grafana's `time > now() - 1h` and stable across the test run.
const timestampMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;

function makeSink(options: Record<string, unknown>, target = influxdbUrl, logger: Logger = silentLogger): InfluxdbSink {
  const parsed = parseOptions(influxdbConfigSchema, options);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  if (typeof options.db === 'string') created.push(options.db);
  return influxdbSinkFactory.create({ config: parsed.config, target, logger, clock: systemClock, metadata: undefined });
}

const excluded = new Set(['hostname', 'host_id', 'pod_id', 'namespace_id']);

/** What InfluxDB should hold for `batch`, computed from the sets (not from the sink's own mapping). */
function expectedEntries(batch: DataBatch, withFields: boolean): string[] {
  const entries: string[] = [];
  for (const set of batch.metricSets.values()) {
    const all = [...set.metricValues].map(([name, value]) => ({ name, value, labels: {} }));
    all.push(...set.labeledMetrics.map((metric) => ({ name: metric.name, value: metric.value, labels: metric.labels })));
    for (const { name, value, labels } of all) {
      const tags = Object.entries({ ...set.labels, ...labels, cluster_name: 'test-cluster' })
        .filter(([key, tagValue]) => tagValue !== '' && !excluded.has(key))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, tagValue]) => `${key}=${tagValue}`)
        .join(',');
      const slash = name.indexOf('/');
      const [measurement, field] = withFields && slash > 0 ? [name.slice(0, slash), name.slice(slash + 1)] : [name, 'value'];
      entries.push(`${measurement}|${tags}|${field}=${String(value.value)}`);
    }
  }
  return entries.sort();
}

/** Everything in the database, in the same shape as expectedEntries. */
async function storedEntries(database: string): Promise<string[]> {
  const measurements = (await influxql('SHOW MEASUREMENTS', database)).flatMap((series) => series.values.map((row) => String(row[0])));
  const entries: string[] = [];
  for (const measurement of measurements) {
    for (const series of await influxql(`SELECT * FROM "${measurement}" GROUP BY *`, database)) {
      const tags = Object.entries(series.tags ?? {})
        .filter(([, tagValue]) => tagValue !== '')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, tagValue]) => `${key}=${tagValue}`)
        .join(',');
      for (const row of series.values) {
        series.columns.forEach((column, index) => {
          if (column !== 'time' && row[index] !== null) entries.push(`${measurement}|${tags}|${column}=${JSON.stringify(row[index])}`);
        });
      }
    }
  }
  return entries.sort();
}

async function fieldTypes(database: string): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  for (const series of await influxql('SHOW FIELD KEYS', database)) {
    for (const [field, type] of series.values) types.set(`${series.name}.${String(field)}`, String(type));
  }
  return types;
}

beforeAll(async () => {
  await requireInfluxdb();
});

afterAll(async () => {
  for (const database of created) await dropDatabase(database);
});

describe('InfluxDB sink on the real server', () => {
  for (const withFields of [false, true]) {
    it(`writes ${summaryFixtureName} in the ${withFields ? 'withfields' : 'default'} schema: values, tags and field types read back`, async () => {
      const db = uniqueDatabase(withFields ? 'wf' : 'default');
      const sink = makeSink({ db, withfields: withFields, cluster_name: 'test-cluster', retention: '24h' });
      const batch = summaryBatch(timestampMs);
      const result = await sink.export(batch, new AbortController().signal);
      expect(result).toEqual({ pointsWritten: countPoints(batch), pointsRejected: 0, failures: [] });
      expect(sink.health()).toMatchObject({ ready: true });

      expect(await storedEntries(db)).toEqual(expectedEntries(batch, withFields));

      const types = await fieldTypes(db);
      for (const name of ['cpu/usage_rate', 'memory/usage', 'filesystem/usage', 'uptime', 'network/rx_rate', 'cpu/node_utilization']) {
        const descriptor = metricDescriptor(name);
        const slash = name.indexOf('/');
        const key = withFields && slash > 0 ? `${name.slice(0, slash)}.${name.slice(slash + 1)}` : `${name}.value`;
        expect([key, types.get(key)]).toEqual([key, descriptor?.valueKind === 'int' ? 'integer' : 'float']);
      }

      const policies = await influxql(`SHOW RETENTION POLICIES ON "${db}"`);
      const columns = policies[0]?.columns ?? [];
      const rows = (policies[0]?.values ?? []).map((row) => Object.fromEntries(columns.map((column, index) => [column, row[index]])));
      expect(rows).toEqual([expect.objectContaining({ name: 'default', duration: '24h0m0s', default: true })]);
      await sink.stop();
    });
  }

  it('honours rp and retention on an existing database: creates the policy, alters its duration, writes into it', async () => {
    const db = uniqueDatabase('rp');
    created.push(db);
    await influxql(`CREATE DATABASE "${db}"`);
    const logger = new RecordingLogger();
    const batch = summaryBatch(timestampMs, 1);
    const first = makeSink({ db, rp: 'kubestats', retention: '2h', pw: 'secret-pw-1' }, influxdbUrl, logger);
    expect((await first.export(batch, new AbortController().signal)).pointsWritten).toBe(countPoints(batch));
    const second = makeSink({ db, rp: 'kubestats', retention: '72h' });
    await second.export(batch, new AbortController().signal);

    const policies = await influxql(`SHOW RETENTION POLICIES ON "${db}"`);
    const byName = new Map((policies[0]?.values ?? []).map((row) => [String(row[0]), row]));
    expect(byName.get('kubestats')?.[1]).toBe('72h0m0s');
    expect(byName.get('autogen')?.[4]).toBe(true); // the database default is left alone
    const inPolicy = await influxql(`SELECT count("value") FROM "${db}"."kubestats"."uptime"`);
    expect(inPolicy[0]?.values[0]?.[1]).toBe(batch.metricSets.size); // one uptime per set; the rewrite overwrote
    expect(await influxql(`SELECT count("value") FROM "${db}"."autogen"."uptime"`)).toEqual([]);
    expect(logger.records.join('\n')).toContain('retention policy is not the database default');
    expect(logger.records.join('\n')).not.toContain('secret-pw-1');
  });

  it('counts a partial write (field type conflict) exactly and keeps the rest', async () => {
    const db = uniqueDatabase('conflict');
    const sink = makeSink({ db });
    const batch = summaryBatch(timestampMs, 2);
    await sink.start(new AbortController().signal);
    // Someone else wrote cpu/usage_rate as a float first: every integer point of it is refused by InfluxDB.
    await writeLines(db, `cpu/usage_rate,type=other value=1.5 ${BigInt(timestampMs - 3_600_000) * 1_000_000n}`);
    const conflicting = [...batch.metricSets.values()].filter((set) => set.metricValues.has('cpu/usage_rate')).length;
    const result = await sink.export(batch, new AbortController().signal);
    expect(result.pointsRejected).toBe(conflicting);
    expect(result.pointsWritten).toBe(countPoints(batch) - conflicting);
    expect(result.failures).toEqual([expect.objectContaining({ key: 'sink/influxdb', reason: 'sink-rejected' })]);
    expect(result.failures[0]?.detail).toContain('field type conflict');
    const stored = await influxql('SELECT count("value") FROM "cpu/usage_rate"', db);
    expect(stored[0]?.values[0]?.[1]).toBe(1);
  });

  it('throws a PermanentError when InfluxDB rejects every point', async () => {
    const db = uniqueDatabase('allrejected');
    const sink = makeSink({ db });
    await sink.start(new AbortController().signal);
    await writeLines(db, `uptime,type=other value=1.5 ${BigInt(timestampMs - 3_600_000) * 1_000_000n}`);
    const batch = summaryBatch(timestampMs, 0);
    const onlyUptime: DataBatch = {
      timestampMs,
      metricSets: new Map([...batch.metricSets].map(([key, set]) => [key, { ...set, metricValues: new Map([...set.metricValues].filter(([name]) => name === 'uptime')), labeledMetrics: [] }])),
    };
    const error: unknown = await sink.export(onlyUptime, new AbortController().signal).catch((caught: unknown) => caught);
    expect(isPermanentError(error)).toBe(true);
  });
});

describe("Heapster's Grafana dashboards against data the sink wrote", () => {
  const dashboardDir = new URL('./fixtures/heapster-grafana/', import.meta.url);
  const databases = new Map<boolean, string>();
  const batch = summaryBatch(timestampMs);
  const node = 'datagen-1-28';
  const namespace = 'kube-system';
  const pod = 'coredns-5dd5756b68-xmx7l';
  /** Queries known not to return data from any Heapster: a typo in the upstream dashboard. */
  const upstreamTypos = new Set(['SELECT sum("limite") FROM "cpu"']);

  beforeAll(async () => {
    for (const withFields of [false, true]) {
      const db = uniqueDatabase(withFields ? 'dash_wf' : 'dash');
      databases.set(withFields, db);
      await makeSink({ db, withfields: withFields }).export(batch, new AbortController().signal);
    }
  });

  function fill(query: string): string {
    return query
      .replaceAll('$timeFilter', 'time > now() - 1h')
      .replaceAll('$interval', '1m')
      .replaceAll('$nodename', node)
      .replaceAll('$namespace', namespace)
      .replaceAll('$podname', pod);
  }

  function queriesOf(file: string): { panel: string[]; templates: string[] } {
    const dashboard = JSON.parse(readFileSync(new URL(file, dashboardDir), 'utf8')) as unknown;
    const panel: string[] = [];
    const templates: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (typeof record.query === 'string' && 'refId' in record) panel.push(record.query);
        if (record.templating && typeof record.templating === 'object') {
          for (const variable of (record.templating as { list: { query: string }[] }).list) templates.push(variable.query);
        }
        Object.values(record).forEach(walk);
      }
    };
    walk(dashboard);
    return { panel, templates };
  }

  const files = readdirSync(new URL('./fixtures/heapster-grafana/', import.meta.url)).filter((file) => file.endsWith('.json'));
  for (const file of files) {
    const withFields = file.startsWith('influxdb_withfields-');
    it(`${file}: every panel query returns a series and the template variables list what was written`, async () => {
      const db = databases.get(withFields) ?? '';
      const { panel, templates } = queriesOf(file);
      expect(panel.length).toBeGreaterThan(10);
      const empty: string[] = [];
      for (const query of panel) {
        const series: Series[] = await influxql(fill(query), db);
        const isTypo = [...upstreamTypos].some((typo) => query.startsWith(typo));
        if ((series.length === 0) !== isTypo) empty.push(fill(query));
      }
      expect(empty).toEqual([]);
      for (const template of templates) {
        const values = (await influxql(fill(template), db)).flatMap((series) => series.values.map((row) => String(row[1])));
        expect(values).toEqual(expect.arrayContaining([template.includes('nodename') ? node : template.includes('pod_name') ? pod : namespace]));
      }
    });
  }
});

describe('InfluxDB sink faults (through a TCP proxy)', () => {
  const upstream = new URL(influxdbUrl);

  it('server down at start: start() and health say so, export rejects retryably, then succeeds once it is up', async () => {
    const proxy = new TcpProxy({ host: upstream.hostname, port: Number(upstream.port || 8086) });
    await proxy.reservePortClosed();
    const db = uniqueDatabase('down');
    const sink = makeSink({ db }, `http://${proxy.address}`);
    await sink.start(new AbortController().signal);
    expect(sink.health()).toEqual({ ready: false, detail: expect.stringContaining('ECONNREFUSED') as string });
    const batch = summaryBatch(timestampMs, 1);
    const error: unknown = await sink.export(batch, new AbortController().signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(isPermanentError(error)).toBe(false);

    await proxy.listen();
    const result = await sink.export(batch, new AbortController().signal);
    expect(result).toEqual({ pointsWritten: countPoints(batch), pointsRejected: 0, failures: [] });
    expect(sink.health().ready).toBe(true);
    expect(await storedEntries(db)).toHaveLength(countPoints(batch));
    await proxy.close();
  });

  it('slow server: export rejects with the abort reason as soon as the signal aborts', async () => {
    const proxy = new TcpProxy({ host: upstream.hostname, port: Number(upstream.port || 8086) });
    await proxy.listen();
    const db = uniqueDatabase('slow');
    const sink = makeSink({ db }, `http://${proxy.address}`);
    await sink.start(new AbortController().signal);
    expect(sink.health().ready).toBe(true);
    proxy.hold();
    const controller = new AbortController();
    const exported = sink.export(summaryBatch(timestampMs, 1), controller.signal);
    const outcome = exported.catch((caught: unknown) => caught);
    await proxy.heldTraffic();
    const reason = new Error('cycle deadline');
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    await proxy.close();
  });
});

sinkContract({
  name: 'influxdb sink (real server)',
  create: () => makeSink({ db: uniqueDatabase('contract') }),
});
