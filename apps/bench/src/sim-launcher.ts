/**
 * Where the simulated cluster runs. The real benchmark runs kubelet-sim in a child process (`childProcessSim`), so
 * building thousands of kubelet payloads never shows in the kubestats process's CPU or memory; the unit test runs it
 * in-process (`inProcessSim`) because vitest cannot fork the TypeScript runner. Both follow the bench clock.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSimulatedCluster, type SimKubeletEndpoint } from 'kubelet-sim';
import type { OffsetClock } from './bench-clock.js';
import type { FromSim, SimSpec, ToSim } from './sim-protocol.js';

export interface SimHandle {
  /** `child-process` or `in-process`: reported, since only the first keeps the sim's CPU out of the figures. */
  readonly placement: 'child-process' | 'in-process';
  readonly apiServerUrl: string;
  readonly kubelets: readonly SimKubeletEndpoint[];
  /** Sets the sim's clock offset (the bench clock's) and resolves once the sim uses it. */
  syncClock(offsetMs: number): Promise<void>;
  /** CPU ms and RSS of the sim process; undefined in-process (it would be the bench's own). */
  usage(): Promise<{ readonly cpuMs: number; readonly rssBytes: number } | undefined>;
  stop(): Promise<void>;
}

export type SimLauncher = (spec: SimSpec, clock: OffsetClock) => Promise<SimHandle>;

export const inProcessSim: SimLauncher = async (spec, clock) => {
  const cluster = await startSimulatedCluster({ ...spec, clock: () => clock.now() });
  return {
    placement: 'in-process',
    apiServerUrl: cluster.apiServerUrl,
    kubelets: cluster.kubelets,
    syncClock: () => Promise.resolve(),
    usage: () => Promise.resolve(undefined),
    stop: () => cluster.stop(),
  };
};

/** The compiled runner beside this module (dist/bin/sim-runner.js). */
export function simRunnerPath(): string {
  return fileURLToPath(new URL('./bin/sim-runner.js', import.meta.url));
}

export interface ChildSimOptions {
  /** V8 heap ceiling of the sim process, MiB (5,000 nodes need more than the default). */
  readonly maxOldSpaceMiB?: number;
  readonly startTimeoutMs?: number;
}

/** Answers from the child, one awaited at a time. */
class SimChannel {
  readonly #child: ChildProcess;
  #pending: { readonly expect: FromSim['type']; readonly resolve: (m: FromSim) => void; readonly reject: (e: Error) => void } | undefined;
  #exit: Error | undefined;

  constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: FromSim) => {
      const pending = this.#pending;
      if (!pending) return;
      this.#pending = undefined;
      if (message.type === 'error') pending.reject(new Error(`kubelet-sim child: ${message.message}`));
      else if (message.type !== pending.expect) pending.reject(new Error(`kubelet-sim child: expected ${pending.expect}, got ${message.type}`));
      else pending.resolve(message);
    });
    child.on('exit', (code, signal) => {
      this.#exit = new Error(`kubelet-sim child exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
      this.#pending?.reject(this.#exit);
      this.#pending = undefined;
    });
    child.on('error', (error) => {
      this.#pending?.reject(new Error(`kubelet-sim child: ${error.message}`, { cause: error }));
      this.#pending = undefined;
    });
  }

  request<T extends FromSim['type']>(message: ToSim, expect: T, timeoutMs: number): Promise<Extract<FromSim, { type: T }>> {
    if (this.#exit) return Promise.reject(this.#exit);
    if (this.#pending) return Promise.reject(new Error(`kubelet-sim child: ${message.type} sent while ${this.#pending.expect} is awaited`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(new Error(`kubelet-sim child: no ${expect} within ${timeoutMs} ms after ${message.type}`));
      }, timeoutMs);
      this.#pending = {
        expect,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<FromSim, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#child.send(message);
    });
  }
}

export function childProcessSim(options: ChildSimOptions = {}): SimLauncher {
  return async (spec) => {
    const runner = simRunnerPath();
    if (!existsSync(runner)) throw new Error(`kubelet-sim runner ${runner} is missing: build the bench first (npm run bench builds it)`);
    const child = fork(runner, [], {
      execArgv: [`--max-old-space-size=${options.maxOldSpaceMiB ?? 8192}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const channel = new SimChannel(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const ready = await channel.request({ type: 'start', spec }, 'ready', options.startTimeoutMs ?? 300_000);
      return {
        placement: 'child-process',
        apiServerUrl: ready.apiServerUrl,
        kubelets: ready.kubelets,
        syncClock: async (offsetMs) => {
          await channel.request({ type: 'offset', offsetMs }, 'offset-set', 30_000);
        },
        usage: async () => {
          const usage = await channel.request({ type: 'usage' }, 'usage', 30_000);
          return { cpuMs: usage.cpuMs, rssBytes: usage.rssBytes };
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.send({ type: 'stop' } satisfies ToSim);
          await exited;
        },
      };
    } catch (error) {
      child.kill();
      await exited;
      throw error;
    }
  };
}
