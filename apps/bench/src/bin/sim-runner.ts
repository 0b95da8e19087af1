#!/usr/bin/env node
/**
 * The bench's kubelet-sim child process: starts the simulated cluster the parent asks for, reports its endpoints,
 * follows the parent's clock offset, and stops when told to or when the parent goes away.
 */
import { startSimulatedCluster, type SimulatedCluster } from 'kubelet-sim';
import type { FromSim, ToSim } from '../sim-protocol.js';

let offsetMs = 0;
let cluster: SimulatedCluster | undefined;

function send(message: FromSim): void {
  process.send?.(message);
}

async function shutdown(code: number): Promise<void> {
  try {
    await cluster?.stop();
  } finally {
    process.exit(code);
  }
}

async function onMessage(message: ToSim): Promise<void> {
  switch (message.type) {
    case 'start':
      cluster = await startSimulatedCluster({ ...message.spec, clock: () => Date.now() + offsetMs });
      send({ type: 'ready', apiServerUrl: cluster.apiServerUrl, kubelets: cluster.kubelets });
      return;
    case 'offset':
      offsetMs = message.offsetMs;
      send({ type: 'offset-set', offsetMs });
      return;
    case 'usage': {
      const usage = process.cpuUsage();
      send({ type: 'usage', cpuMs: (usage.user + usage.system) / 1000, rssBytes: process.memoryUsage.rss() });
      return;
    }
    case 'stop':
      await shutdown(0);
      return;
  }
}

if (!process.send) {
  console.error('sim-runner: must be started by the bench with an IPC channel (child_process.fork)');
  process.exit(2);
}
process.on('message', (message: ToSim) => {
  onMessage(message).catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
});
process.on('disconnect', () => {
  void shutdown(0);
});
