/**
 * The apiserver rows' rig: kubelet-sim (plain HTTP kubelets, a clock the test moves, a `slow` quirk whose delay the
 * test releases) behind an apiserver fault proxy, and kubestats composed by the app itself (`composeApp`: the real
 * kube-metadata informers, the summary source discovering nodes through them, the processor chain, the memory sink)
 * on a fake clock, so watch-restart backoffs move only when the test advances them.
 */
import { FakeClock } from '@kubestats/testing';
import type { CycleReport } from '@kubestats/pipeline';
import { startSimulatedCluster, type SimulatedCluster } from 'kubelet-sim';
import { composeApp, resolveSettings, type KubestatsApp } from 'kubestats';
import { captureLog, type CapturedLog } from '../matrix/log-capture.js';
import { startApiserverFaultProxy, type ApiserverFaultProxy } from './apiserver-fault-proxy.js';

export const apiserverResolutionMs = 10_000;

export interface HeldDelay {
  readonly nodeName: string;
  release(): void;
}

export interface ApiserverHarness {
  readonly sim: SimulatedCluster;
  readonly proxy: ApiserverFaultProxy;
  readonly app: KubestatsApp;
  readonly clock: FakeClock;
  readonly log: CapturedLog;
  /** Node names in sim order. */
  readonly nodeNames: readonly string[];
  /** Moves both clocks one resolution ahead and runs one cycle over real sockets. */
  cycle(): Promise<CycleReport>;
  /** Starts a cycle without awaiting it (for faults injected while it is in flight). */
  startCycle(): Promise<CycleReport>;
  /** Resolves when the next `slow` delay begins: the kubelet of that node is answering a scrape right now. */
  nextHeldDelay(): Promise<HeldDelay>;
  /** Polls `condition` while real I/O happens, advancing the fake clock 1 s per turn for watch backoffs. */
  until(condition: () => boolean, what: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startApiserverHarness(options: { nodes?: number; podsPerNode?: number; prepare?: boolean } = {}): Promise<ApiserverHarness> {
  let simNowMs = Math.floor(Date.now() / apiserverResolutionMs) * apiserverResolutionMs;
  const held: HeldDelay[] = [];
  const heldWaiters: ((delay: HeldDelay) => void)[] = [];
  const sim = await startSimulatedCluster({
    nodes: options.nodes ?? 3,
    podsPerNode: options.podsPerNode ?? 2,
    containersPerPod: 2,
    seed: 11,
    kubeletHttps: false,
    clock: () => simNowMs,
    // `slow` waits on a promise the test releases: the scrape of that node is provably in flight meanwhile.
    delay: (_ms, signal) =>
      new Promise<void>((resolve) => {
        const entry: HeldDelay = { nodeName: '', release: resolve };
        signal?.addEventListener('abort', () => resolve(), { once: true });
        const waiter = heldWaiters.shift();
        if (waiter) waiter(entry);
        else held.push(entry);
      }),
  });
  const proxy = await startApiserverFaultProxy(sim.apiServerUrl);
  const clock = new FakeClock(simNowMs);
  const log = captureLog();
  const settings = resolveSettings({
    source: `kubernetes.summary_api:${proxy.url}?inClusterConfig=false&useNodeStatusPort=true&timeoutMs=4000`,
    metric_resolution: apiserverResolutionMs,
    heapster_port: 0,
    listen_ip: '127.0.0.1',
  });
  const app = await composeApp({ settings, logger: log.logger, clock, serveApi: false, metadataSyncTimeoutMs: 10_000 });
  if (options.prepare !== false) await app.prepare();

  const until = async (condition: () => boolean, what: string): Promise<void> => {
    for (let turn = 0; turn < 400; turn++) {
      if (condition()) return;
      // Real sockets need real event-loop turns; the fake clock moves so backoff timers can fire.
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (turn % 10 === 9) await clock.advance(1000);
    }
    throw new Error(`apiserver harness: gave up waiting for ${what}`);
  };

  const startCycle = (): Promise<CycleReport> => {
    simNowMs += apiserverResolutionMs;
    const endMs = simNowMs;
    return (async () => {
      if (clock.now() < endMs) await clock.advance(endMs - clock.now());
      return app.pipeline.runOnce({ startMs: endMs - apiserverResolutionMs, endMs });
    })();
  };

  return {
    sim,
    proxy,
    app,
    clock,
    log,
    nodeNames: sim.kubelets.map((kubelet) => kubelet.nodeName),
    cycle: startCycle,
    startCycle,
    nextHeldDelay: () => {
      const ready = held.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => heldWaiters.push(resolve));
    },
    until,
    async stop() {
      for (const entry of held) entry.release();
      await app.stop();
      await proxy.stop();
      await sim.stop();
    },
  };
}
