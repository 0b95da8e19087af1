/**
 * Boots kubestats in-process on a given source URI with a fake clock, so end-to-end tests drive cycles with
 * runOnce() at chosen times: deterministic, over real HTTP to real (simulated or stub) kubelets, no sleeping.
 */
import { FakeClock } from '@kubestats/testing';
import { pino } from 'pino';
import { composeApp, type KubestatsApp } from '../compose.js';
import { resolveSettings } from '../settings.js';

export interface Harness {
  readonly app: KubestatsApp;
  readonly clock: FakeClock;
  /** The API's base URL (listening on 127.0.0.1, any free port). */
  readonly url: string;
  /** Runs one cycle for the window ending at `endMs` and waits until the memory sink holds its batch. */
  cycle(endMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Lets queued I/O callbacks and promise jobs run; bounded, so a batch that never arrives fails the test. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`e2e harness: gave up waiting for ${what}`);
}

export async function startHarness(options: { source: string; resolutionMs: number; startMs: number; sinks?: string[] }): Promise<Harness> {
  const clock = new FakeClock(options.startMs);
  const settings = resolveSettings({
    source: options.source,
    sink: options.sinks ?? [],
    metric_resolution: options.resolutionMs,
    heapster_port: 0,
    listen_ip: '127.0.0.1',
  });
  const app = await composeApp({ settings, logger: pino({ level: 'silent' }), clock, metadataSyncTimeoutMs: 10_000 });
  await app.prepare();
  const url = await app.listen();
  if (url === undefined) throw new Error('e2e harness: the API did not listen');
  return {
    app,
    clock,
    url,
    async cycle(endMs) {
      if (endMs > clock.now()) await clock.advance(endMs - clock.now());
      await app.pipeline.runOnce({ startMs: endMs - options.resolutionMs, endMs });
      await until(() => app.memory.latestBatch()?.timestampMs === endMs, `the batch of ${new Date(endMs).toISOString()} in the memory sink`);
    },
    stop: () => app.stop(),
  };
}
