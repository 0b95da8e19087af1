import { Metrics, podKey } from '@kubestats/core';
import { startSimulatedCluster, type SimulatedCluster } from 'kubelet-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { composeCustomPipeline, type CustomPipeline } from './custom-pipeline.js';

describe('examples/custom-pipeline', () => {
  let cluster: SimulatedCluster | undefined;
  let composed: CustomPipeline | undefined;

  afterEach(async () => {
    await composed?.pipeline.stop();
    await cluster?.stop();
  });

  it('scrapes simulated kubelets and serves pod CPU rates equal to the simulator\u2019s truth', async () => {
    // The simulator's clock is ours to move, so two scrapes 15 s apart take no real time.
    let simNowMs = Math.floor(Date.now() / 15_000) * 15_000 - 30_000;
    cluster = await startSimulatedCluster({ nodes: 2, podsPerNode: 3, containersPerPod: 2, seed: 7, clock: () => simNowMs });
    composed = composeCustomPipeline(cluster.kubelets.map((kubelet) => `${kubelet.host}:${kubelet.port}`), 15_000);

    const firstScrapeMs = simNowMs;
    await composed.pipeline.runOnce({ startMs: simNowMs - 15_000, endMs: simNowMs });
    simNowMs += 15_000;
    const report = await composed.pipeline.runOnce({ startMs: simNowMs - 15_000, endMs: simNowMs });

    const pods = cluster.truth.listPods();
    expect(pods).toHaveLength(6);
    for (const pod of pods) {
      const set = report.batch.metricSets.get(podKey(pod.namespace, pod.name));
      const rate = set?.metricValues.get(Metrics.cpuUsageRate.name);
      expect(rate?.kind, `${pod.namespace}/${pod.name} has cpu/usage_rate`).toBe('int');
      const truth = cluster.truth.podCpuMillicores(pod.namespace, pod.name, firstScrapeMs, simNowMs);
      expect(Number(rate?.value)).toBeGreaterThanOrEqual(Math.floor(truth) - 1);
      expect(Number(rate?.value)).toBeLessThanOrEqual(Math.ceil(truth) + 1);
    }
    // runOnce resolves once the batch is queued for the sinks; stop() flushes the queues.
    await composed.pipeline.stop();
    expect(composed.busiest.busiest).toHaveLength(3);
    expect(composed.memory.latestBatch()?.timestampMs).toBe(simNowMs);
  });
});
