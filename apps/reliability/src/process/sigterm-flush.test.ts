/**
 * Process row: SIGTERM mid-cycle flushes within the bound. The real CLI (`kubestats run`, from sources) in a child
 * process scrapes three kubelet-sim kubelets of this process and writes to the real InfluxDB through a slow TCP
 * proxy. SIGTERM is sent while a scrape is provably in flight (the sim's `slow` delay is held by the test).
 * Expected: exit code 0 well within the stop bound, no batch left in the sink queue, and InfluxDB holds a point at
 * the timestamp of every cycle the process completed, the interrupted one included.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulatedCluster, type SimulatedCluster } from 'kubelet-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpFaultProxy } from '../sinks/tcp-fault-proxy.js';
import { influxAvailable, influxql, influxUrl, pointTimes, uniqueDb } from './influxdb-query.js';

const reliabilityDir = fileURLToPath(new URL('../..', import.meta.url));
/** The pipeline's default stop bound (flush phase), which `kubestats run` uses. */
const stopBoundMs = 25_000;
let available = false;
const databases: string[] = [];

beforeAll(async () => {
  available = await influxAvailable();
});

afterAll(async () => {
  if (available) for (const db of databases) await influxql(`DROP DATABASE "${db}"`);
});

interface LogLine {
  readonly msg?: string;
  readonly windowEndMs?: number;
  readonly leftovers?: { sink: string; batches: number }[];
  readonly cyclesCompleted?: number;
  readonly [field: string]: unknown;
}

describe('process: SIGTERM mid-cycle', () => {
  it('flushes within the bound: exit 0, queue empty, every completed cycle (the interrupted one too) landed in InfluxDB', async () => {
    const held: (() => void)[] = [];
    let onHeld: (() => void) | undefined;
    const sim: SimulatedCluster = await startSimulatedCluster({
      nodes: 3,
      podsPerNode: 2,
      containersPerPod: 2,
      kubeletHttps: false,
      delay: () =>
        new Promise<void>((resolve) => {
          held.push(resolve);
          onHeld?.();
        }),
    });
    const proxy = new TcpFaultProxy(influxUrl.hostname, Number(influxUrl.port));
    await proxy.up();
    proxy.latencyMs = 100;
    const db = uniqueDb('sigterm');
    databases.push(db);
    const kubelets = sim.kubelets.map((kubelet) => `${kubelet.host}:${kubelet.port}`);
    const child = spawn(
      process.execPath,
      [
        'scripts/run-ts.mjs',
        'src/process/kubestats-cli.ts',
        'run',
        `--source=kubernetes.summary_api:?kubelets=${kubelets.join(',')}&inClusterConfig=false`,
        `--sink=influxdb:http://${proxy.address}?db=${db}&timeout=5s`,
        '--metric_resolution=2s',
        '--heapster_port=0',
        '--listen_ip=127.0.0.1',
        '--log_level=debug',
      ],
      { cwd: reliabilityDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: LogLine[] = [];
    let stderrText = '';
    const waiters: { until: () => boolean; resolve: () => void }[] = [];
    let pending = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderrText += chunk.toString('utf8');
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as LogLine);
      for (const waiter of [...waiters]) if (waiter.until()) waiter.resolve();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const logged = (until: () => boolean): Promise<void> =>
      until() ? Promise.resolve() : new Promise((resolve) => waiters.push({ until, resolve }));
    const cyclesLogged = () => lines.filter((line) => line.msg === 'cycle complete');

    try {
      await Promise.race([logged(() => cyclesLogged().length >= 2), exited.then(() => Promise.reject(new Error(`kubestats exited early: ${stderrText}`)))]);
      const slowNode = sim.kubelets[2]?.nodeName ?? '';
      const heldNow = new Promise<void>((resolve) => {
        onHeld = resolve;
      });
      sim.setQuirks([{ kind: 'slow', node: slowNode, delayMs: 1 }]);
      await heldNow;
      // A scrape of the last kubelet is in flight right now.
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      const stopMs = Date.now() - sentAt;

      expect({ code, signal }, stderrText.slice(-2000)).toEqual({ code: 0, signal: null });
      expect(stopMs).toBeLessThan(stopBoundMs);
      expect(lines.some((line) => line.msg === 'stopping' && line.signal === 'SIGTERM')).toBe(true);
      const stopped = lines.find((line) => line.msg === 'pipeline stopped');
      expect(stopped?.leftovers).toEqual(expect.arrayContaining([expect.objectContaining({ batches: 0 })]));
      expect(stopped?.leftovers?.every((leftover) => leftover.batches === 0)).toBe(true);

      const cycleTimes = cyclesLogged().map((line) => line.windowEndMs ?? 0);
      const interrupted = cycleTimes.at(-1);
      expect(lines.findIndex((line) => line.msg === 'stopping')).toBeLessThan(lines.findLastIndex((line) => line.msg === 'cycle complete'));
      expect(stopped?.cyclesCompleted).toBe(cycleTimes.length);
      const healthyNode = kubelets[0] ?? '';
      const landed = await pointTimes(db, 'uptime', `"type"='node' AND "nodename"='${healthyNode}'`);
      expect(landed.sort()).toEqual([...cycleTimes].sort());
      expect(landed).toContain(interrupted);
      console.log(`process scorecard: SIGTERM mid-cycle: exit ${code} after ${stopMs} ms; cycles ${cycleTimes.length}, landed ${landed.length}, leftovers ${JSON.stringify(stopped?.leftovers)}`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const release of held) release();
      await proxy.down();
      await sim.stop();
    }
  }, 60_000);
});
