import { floatValue, intValue, LabelKeys, Metrics, parseOptions, silentLogger, systemClock, type Clock } from '@kubestats/core';
import {
  buildBatch,
  factoryContract,
  FakeClock,
  namespaceSet,
  nodeSet,
  podContainerSet,
  podSet,
  sampleBatch,
  sinkContract,
  systemContainerSet,
} from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { memorySinkFactory, memorySinkSchema } from './memory-sink-factory.js';
import type { MemorySink } from './memory-sink.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const live = () => new AbortController().signal;

function createSink(options: Record<string, unknown> = {}, clock: Clock = new FakeClock(T0)): MemorySink {
  const parsed = parseOptions(memorySinkSchema, options);
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('; '));
  return memorySinkFactory.create({ config: parsed.config, target: undefined, logger: silentLogger, clock, metadata: undefined });
}

/** One pod container with the given cpu rate and memory, at `timestampMs`. */
function containerBatch(timestampMs: number, cpuRate: bigint, extra: Record<string, bigint | number> = {}) {
  return buildBatch(timestampMs, [
    podContainerSet({
      namespace: 'prod',
      pod: 'web-1',
      container: 'web',
      node: 'n1',
      metrics: { [Metrics.cpuUsageRate.name]: cpuRate, [Metrics.memoryUsage.name]: 1000n, [Metrics.memoryRss.name]: 10n, ...extra },
    }),
  ]);
}

const containerKey = 'namespace:prod/pod:web-1/container:web';

describe('MemorySink windows', () => {
  it('keeps whole batches for 140 s by default and evicts older ones on export', async () => {
    const clock = new FakeClock(T0);
    const sink = createSink({}, clock);
    for (let minute = 0; minute <= 5; minute++) {
      await clock.advanceTo(T0 + minute * MINUTE);
      await sink.export(containerBatch(T0 + minute * MINUTE, BigInt(minute)), live());
    }
    // now = T0+5m: the window [T0+2m40s, T0+5m] holds the batches of minutes 3, 4 and 5.
    expect(sink.batches().map((batch) => (batch.timestampMs - T0) / MINUTE)).toEqual([3, 4, 5]);
    expect(sink.latestBatch()?.timestampMs).toBe(T0 + 5 * MINUTE);
  });

  it('evicts by the clock even when the batches stop changing', async () => {
    const clock = new FakeClock(T0);
    const sink = createSink({ shortWindow: '1m' }, clock);
    await sink.export(containerBatch(T0, 1n), live());
    await clock.advance(2 * MINUTE);
    await sink.export(containerBatch(T0 + 30_000, 2n), live());
    // The clock is at T0+2m, so even the newly exported (late) batch is older than the 1 m window.
    expect(sink.batches()).toEqual([]);
  });

  it('keeps evicting relative to the newest batch after it aged out and the clock stepped back', async () => {
    let nowMs = T0 + 61_000;
    const steppedClock: Clock = { ...systemClock, now: () => nowMs };
    const sink = createSink({ shortWindow: '1m', longWindow: '1m' }, steppedClock);
    await sink.export(containerBatch(T0, 1n), live());
    expect(sink.batches()).toEqual([]);
    // An NTP step puts the clock 1 s behind that batch; a late batch 60.5 s older than it is still outside the window.
    nowMs = T0 - 1_000;
    await sink.export(containerBatch(T0 - 60_500, 2n), live());
    expect(sink.batches()).toEqual([]);
    expect(sink.series(containerKey, Metrics.cpuUsageRate.name)).toEqual([]);
  });

  it('reaches 15 minutes back for long-window metrics and 140 s for the others', async () => {
    const sink = createSink();
    for (let minute = 0; minute <= 20; minute++) await sink.export(containerBatch(T0 + minute * MINUTE, BigInt(minute)), live());
    const cpu = sink.series(containerKey, Metrics.cpuUsageRate.name);
    expect(cpu.map((point) => (point.timestampMs - T0) / MINUTE)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(cpu.at(-1)?.value).toEqual(intValue(20n));
    expect(sink.series(containerKey, Metrics.memoryUsage.name)).toHaveLength(16);
    expect(sink.series(containerKey, Metrics.memoryRss.name).map((point) => (point.timestampMs - T0) / MINUTE)).toEqual([18, 19, 20]);
  });

  it('serves inclusive ranges', async () => {
    const sink = createSink();
    for (let minute = 0; minute < 10; minute++) await sink.export(containerBatch(T0 + minute * MINUTE, BigInt(minute)), live());
    const range = { startMs: T0 + 2 * MINUTE, endMs: T0 + 4 * MINUTE };
    expect(sink.series(containerKey, Metrics.cpuUsageRate.name, range).map((point) => point.value)).toEqual([intValue(2n), intValue(3n), intValue(4n)]);
    expect(sink.series(containerKey, Metrics.memoryRss.name, { startMs: T0 + 9 * MINUTE, endMs: T0 + 9 * MINUTE })).toHaveLength(1);
    expect(sink.series(containerKey, Metrics.cpuUsageRate.name, { startMs: T0 + 8 * MINUTE + 1 })).toHaveLength(1);
    expect(sink.series(containerKey, Metrics.cpuUsageRate.name, { endMs: T0 - 1 })).toEqual([]);
    expect(sink.series('node:unknown', Metrics.cpuUsageRate.name)).toEqual([]);
  });

  it('keeps one batch per timestamp and the window sorted when a batch is re-exported or late', async () => {
    const sink = createSink();
    await sink.export(containerBatch(T0 + MINUTE, 1n), live());
    await sink.export(containerBatch(T0, 0n), live());
    await sink.export(containerBatch(T0 + MINUTE, 7n), live());
    expect(sink.batches().map((batch) => batch.timestampMs)).toEqual([T0, T0 + MINUTE]);
    expect(sink.series(containerKey, Metrics.cpuUsageRate.name).map((point) => point.value)).toEqual([intValue(0n), intValue(7n)]);
  });
});

describe('MemorySink queries', () => {
  const labeledBatch = (timestampMs: number, rootUsage: bigint) =>
    buildBatch(timestampMs, [
      nodeSet({
        node: 'n1',
        metrics: { [Metrics.memoryUsage.name]: 5n, [Metrics.cpuNodeUtilization.name]: 0.25 },
        labeledMetrics: [
          { name: Metrics.filesystemUsage.name, labels: { [LabelKeys.resourceId]: '/' }, value: rootUsage },
          { name: Metrics.filesystemUsage.name, labels: { [LabelKeys.resourceId]: '/var/lib/kubelet' }, value: 99n },
        ],
      }),
    ]);

  it('finds a labeled metric by its exact label set', async () => {
    const sink = createSink();
    await sink.export(labeledBatch(T0, 1n), live());
    await sink.export(labeledBatch(T0 + MINUTE, 2n), live());
    const root = sink.series('node:n1', Metrics.filesystemUsage.name, {}, { [LabelKeys.resourceId]: '/' });
    expect(root).toEqual([
      { timestampMs: T0, value: intValue(1n) },
      { timestampMs: T0 + MINUTE, value: intValue(2n) },
    ]);
    expect(sink.series('node:n1', Metrics.filesystemUsage.name, {}, { [LabelKeys.resourceId]: '/', extra: 'x' })).toEqual([]);
    expect(sink.series('node:n1', Metrics.filesystemUsage.name, {}, {})).toEqual([]);
    expect(sink.series('node:n1', Metrics.filesystemUsage.name)).toEqual([]);
  });

  it('keeps floats as floats (Heapster served them as 0)', async () => {
    const sink = createSink({ longWindowMetrics: Metrics.cpuNodeUtilization.name });
    await sink.export(labeledBatch(T0, 1n), live());
    expect(sink.series('node:n1', Metrics.cpuNodeUtilization.name)).toEqual([{ timestampMs: T0, value: floatValue(0.25) }]);
    expect(sink.latestBatch()?.metricSets.get('node:n1')?.metricValues.get(Metrics.cpuNodeUtilization.name)).toEqual(floatValue(0.25));
  });

  it('lists keys of the latest batch by type, namespace and node, and metric names of a key', async () => {
    const sink = createSink();
    await sink.export(buildBatch(T0, [nodeSet({ node: 'old' })]), live());
    await sink.export(
      buildBatch(T0 + MINUTE, [
        nodeSet({ node: 'n1' }),
        nodeSet({ node: 'n2' }),
        systemContainerSet({ node: 'n1', container: 'kubelet' }),
        podSet({ namespace: 'prod', pod: 'web-1', node: 'n1' }),
        podSet({ namespace: 'dev', pod: 'api-1', node: 'n2' }),
        podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', node: 'n1', metrics: { 'memory/usage': 1n, 'cpu/usage': 2n } }),
        namespaceSet({ namespace: 'prod' }),
      ]),
      live(),
    );
    expect(sink.keys({ type: 'node' })).toEqual(['node:n1', 'node:n2']);
    expect(sink.keys({ type: 'pod', namespace: 'prod' })).toEqual(['namespace:prod/pod:web-1']);
    expect(sink.keys({ nodeName: 'n1' })).toEqual([
      'namespace:prod/pod:web-1',
      'namespace:prod/pod:web-1/container:web',
      'node:n1',
      'node:n1/container:kubelet',
    ]);
    expect(sink.keys({ namespace: 'prod' })).toEqual(['namespace:prod', 'namespace:prod/pod:web-1', 'namespace:prod/pod:web-1/container:web']);
    expect(sink.keys()).toHaveLength(7);
    expect(sink.metricNames('namespace:prod/pod:web-1/container:web')).toEqual(['cpu/usage', 'memory/usage']);
    expect(sink.metricNames('node:old')).toEqual([]);
    expect(createSink().keys()).toEqual([]);
  });
});

describe('MemorySink memory bounds', () => {
  it('holds a bounded number of batches, series and points after many exports with churning keys', async () => {
    const clock = new FakeClock(T0);
    const sink = createSink({}, clock);
    for (let cycle = 0; cycle < 500; cycle++) {
      await clock.advanceTo(T0 + cycle * 10_000);
      // 20 pods, each replaced every 50 cycles: old keys must age out of the long store.
      const sets = Array.from({ length: 20 }, (_, index) =>
        podContainerSet({
          pod: `p${index}-${Math.floor(cycle / 50)}`,
          container: 'c',
          metrics: { [Metrics.cpuUsageRate.name]: BigInt(cycle), [Metrics.memoryUsage.name]: 1n, [Metrics.memoryWorkingSet.name]: 1n },
        }),
      );
      await sink.export(buildBatch(T0 + cycle * 10_000, sets), live());
    }
    const stats = sink.stats();
    // 140 s at 10 s: 15 batches. 15 min at 10 s: 91 points per series; at most two generations of 20 pods x 3 metrics live.
    expect(stats.batches).toBe(15);
    expect(stats.series).toBeLessThanOrEqual(2 * 20 * 3);
    expect(stats.seriesPoints).toBe(20 * 3 * 91);
  });

  it('applies the hard caps whatever the age', async () => {
    const sink = createSink({ maxBatches: 3, maxSeriesPoints: 4 });
    for (let second = 0; second < 10; second++) await sink.export(containerBatch(T0 + second * 1000, BigInt(second)), live());
    expect(sink.batches().map((batch) => (batch.timestampMs - T0) / 1000)).toEqual([7, 8, 9]);
    expect(sink.series(containerKey, Metrics.cpuUsageRate.name).map((point) => point.value)).toEqual([6n, 7n, 8n, 9n].map((value) => intValue(value)));
  });
});

describe('MemorySink export', () => {
  it('reports every point written and is always ready', async () => {
    const sink = createSink();
    const batch = sampleBatch();
    await expect(sink.export(batch, live())).resolves.toEqual({ pointsWritten: 13, pointsRejected: 0, failures: [] });
    expect(sink.health()).toEqual({ ready: true, detail: '1 batches, 7 long-window series' });
  });
});

factoryContract(memorySinkFactory);
sinkContract({ name: 'sink/memory', create: () => createSink() });
