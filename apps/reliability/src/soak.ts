/**
 * `npm run soak -- --minutes M [--json out.json]`: kubestats (the app, composed as `kubestats --simulate` would be)
 * on kubelet-sim with every quirk but huge-body at a 1 s resolution, exporting to the real InfluxDB through a TCP
 * proxy that flaps (down 5 s of every 15 s). Samples memory and counters every 5 s and asserts at the end:
 * RSS flat after warm-up, no stuck cycles (cycles complete in every sample interval), counters consistent (every
 * point handed to the flapping sink is written or counted as dropped), and points really written while the proxy
 * was up. InfluxDB is started with `scripts/services up influxdb` (installed when missing), as the tests do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { countPoints } from '@kubestats/core';
import type { Pipeline } from '@kubestats/pipeline';
import { startSimulatedCluster, parseQuirks } from 'kubelet-sim';
import { composeApp, resolveSettings } from 'kubestats';
import { pino } from 'pino';
import { TcpFaultProxy } from './sinks/tcp-fault-proxy.js';

/** huge-body is left out: 50 MB a second would measure the loopback, not kubestats (the matrix covers it). */
const quirks = 'duplicate-cgroup:25%,zombie-container:10%,counter-decrease:10%,slow=200:node-1,http-500:node-2,garbage:node-3,hang:node-4,dead:node-5';
const sampleEveryMs = 5000;
const flapPeriodMs = 15_000;
const flapDownMs = 5000;

interface Sample {
  readonly elapsedS: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly cyclesCompleted: number;
  readonly cyclesSkipped: number;
  readonly influxWritten: number;
  readonly influxDropped: number;
}

async function counter(registry: Pipeline['registry'], name: string, sink?: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((entry) => sink === undefined || String(entry.labels.sink).includes(sink)).reduce((sum, entry) => sum + entry.value, 0);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Starts the real InfluxDB the soak writes to (idempotent), then checks it answers: without it every point would be
 * counted as dropped and the counters would still agree, so the soak would pass without testing the sink at all.
 */
async function startInfluxDb(): Promise<void> {
  const services = fileURLToPath(new URL('../../../scripts/services', import.meta.url));
  try {
    execFileSync('bash', [services, 'up', 'influxdb'], { stdio: 'inherit' });
  } catch (error) {
    throw new Error(`soak: ${services} up influxdb failed; see its output above`, { cause: error });
  }
  const ping = await fetch('http://127.0.0.1:8086/ping', { signal: AbortSignal.timeout(5000) }).catch((error: unknown) => error);
  if (!(ping instanceof Response) || ping.status !== 204) {
    throw new Error('soak: InfluxDB does not answer http://127.0.0.1:8086/ping after scripts/services up', { cause: ping });
  }
}

export async function main(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { minutes: { type: 'string', default: '5' }, json: { type: 'string' }, 'kubelet-timeout-ms': { type: 'string', default: '300' } },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error(`--minutes: expected a positive number, got ${values.minutes}`);
  await startInfluxDb();
  const proxy = new TcpFaultProxy('127.0.0.1', 8086);
  await proxy.up();
  const db = `kubestats_soak_${Date.now().toString(36)}`;
  // kubelet-sim started here rather than with `--simulate`, so the source URI can carry a kubelet timeout below the
  // cycle's scrape deadline (resolution / 2 = 500 ms): with the 10 s default, one hung kubelet makes the whole source
  // miss the deadline every cycle (see docs/reliability.md). `--kubelet-timeout-ms 10000` reproduces that.
  const sim = await startSimulatedCluster({ nodes: 8, podsPerNode: 10, containersPerPod: 2, seed: 1, kubeletHttps: false, quirks: parseQuirks(quirks) });
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'kubestats-soak-')), 'kubeconfig');
  writeFileSync(kubeconfigPath, sim.kubeconfig());
  const settings = resolveSettings({
    source: `kubernetes.summary_api:${sim.apiServerUrl}?inClusterConfig=false&auth=${kubeconfigPath}&useNodeStatusPort=true&insecure=true&timeoutMs=${values['kubelet-timeout-ms']}`,
    metric_resolution: 1000,
    // A 60 s long window (instead of 15 min) so the memory sink is full, and RSS should be flat, after ~2 minutes.
    sink: ['memory:?longWindow=60s&maxSeriesPoints=60', `influxdb:http://${proxy.address}?db=${db}&timeout=2s`],
    heapster_port: 0,
    listen_ip: '127.0.0.1',
  });
  const app = await composeApp({ settings, logger: pino({ level: 'silent' }), metadataSyncTimeoutMs: 30_000 });
  let handedPoints = 0;
  let cyclesSeen = 0;
  let cyclesWithPods = 0;
  const failureReasons = new Map<string, number>();
  app.pipeline.onCycle((report) => {
    cyclesSeen++;
    handedPoints += countPoints(report.batch);
    if ([...report.batch.metricSets.keys()].some((key) => key.startsWith('namespace:') && key.includes('/pod:'))) cyclesWithPods++;
    for (const failure of report.failures) failureReasons.set(failure.reason, (failureReasons.get(failure.reason) ?? 0) + 1);
    if (cyclesSeen <= 2) console.log(`  cycle ${cyclesSeen}: ${report.batch.metricSets.size} sets, ${countPoints(report.batch)} points, failures ${JSON.stringify(report.failures.map((failure) => `${failure.key} ${failure.reason}: ${failure.detail.slice(0, 120)}`))}`);
  });
  const url = await app.start();
  console.log(`soak: ${minutes} min, 1 s resolution, quirks ${quirks}, InfluxDB through a flapping proxy (down ${flapDownMs / 1000} s every ${flapPeriodMs / 1000} s), API ${url ?? '-'}`);
  const samples: Sample[] = [];
  const startedAt = Date.now();
  const endAt = startedAt + minutes * 60_000;
  let down = false;
  while (Date.now() < endAt) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const phase = (Date.now() - startedAt) % flapPeriodMs;
    if (!down && phase < flapDownMs) {
      down = true;
      await proxy.down();
    } else if (down && phase >= flapDownMs) {
      down = false;
      await proxy.up();
    }
    if ((Date.now() - startedAt) % sampleEveryMs < 1000) {
      if (url) await fetch(`${url}/metrics`).then((response) => response.text());
      const memory = process.memoryUsage();
      const sample: Sample = {
        elapsedS: Math.round((Date.now() - startedAt) / 1000),
        rssMiB: Math.round(memory.rss / 2 ** 20),
        heapUsedMiB: Math.round(memory.heapUsed / 2 ** 20),
        cyclesCompleted: await counter(app.pipeline.registry, 'kubestats_cycles_completed_total'),
        cyclesSkipped: await counter(app.pipeline.registry, 'kubestats_cycles_skipped_total'),
        influxWritten: await counter(app.pipeline.registry, 'kubestats_sink_points_written_total', 'influxdb'),
        influxDropped: await counter(app.pipeline.registry, 'kubestats_sink_dropped_points_total', 'influxdb'),
      };
      samples.push(sample);
      console.log(`  ${JSON.stringify(sample)}`);
    }
  }
  if (down) await proxy.up();
  await app.stop();
  await sim.stop();
  await proxy.down();
  const influxWritten = await counter(app.pipeline.registry, 'kubestats_sink_points_written_total', 'influxdb');
  const influxDropped = await counter(app.pipeline.registry, 'kubestats_sink_dropped_points_total', 'influxdb');
  await fetch(`http://127.0.0.1:8086/query?q=${encodeURIComponent(`DROP DATABASE "${db}"`)}`, { method: 'POST' }).catch(() => undefined);

  // Warm-up: the memory sink's windows fill (60 batches, 60 s of series) and the heap settles.
  const warm = samples.filter((sample) => sample.elapsedS >= Math.min(120, (minutes * 60) / 2));
  const quarter = Math.max(1, Math.floor(warm.length / 4));
  const earlyRss = median(warm.slice(0, quarter).map((sample) => sample.rssMiB));
  const lateRss = median(warm.slice(-quarter).map((sample) => sample.rssMiB));
  const stuckIntervals = samples.slice(1).filter((sample, index) => sample.cyclesCompleted <= (samples[index]?.cyclesCompleted ?? 0)).length;
  const checks = {
    rssFlat: lateRss <= earlyRss * 1.15 + 10,
    noStuckCycles: stuckIntervals === 0,
    countersConsistent: influxWritten + influxDropped === handedPoints,
    // The proxy is up two thirds of the time: a sink that only ever dropped would make the line above vacuous.
    sinkWroteWhileUp: influxWritten > 0,
    // The healthy nodes' pods are in (nearly) every batch whatever the quirky nodes do.
    healthyNodesReported: cyclesWithPods >= cyclesSeen * 0.95,
  };
  const result = { minutes, cycles: cyclesSeen, cyclesWithPods, samples: samples.length, failureReasons: Object.fromEntries(failureReasons), earlyRssMiB: earlyRss, lateRssMiB: lateRss, stuckIntervals, handedPoints, influxWritten, influxDropped, checks };
  console.log(`soak result: ${JSON.stringify(result)}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ ...result, series: samples }, null, 2)}\n`);
  return Object.values(checks).every(Boolean) ? 0 : 1;
}
