import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedCluster, type SimClusterOptions, type SimulatedCluster } from './simulated-cluster.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const MAX_SAFE = 2n ** 53n - 1n;

let cluster: SimulatedCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** Every usageCoreNanoSeconds as the exact integer the body spells (JSON.parse would round those above 2^53). */
function counters(body: string): bigint[] {
  return [...body.matchAll(/"usageCoreNanoSeconds":(\d+)/g)].map((m) => BigInt(m[1] ?? ''));
}

/** Each pod's own counter (the cpu right after its containers). */
function podCounters(body: string): bigint[] {
  return [...body.matchAll(/"containers":\[[^\]]*\],"cpu":\{"time":"[^"]+","usageNanoCores":\d+,"usageCoreNanoSeconds":(\d+)/g)].map((m) => BigInt(m[1] ?? ''));
}

async function summaries(options: Partial<SimClusterOptions>, clock = () => T0): Promise<string[]> {
  cluster = await startSimulatedCluster({ nodes: 40, podsPerNode: 10, containersPerPod: 2, seed: 7, clock, ...options });
  const c = cluster;
  return Promise.all(c.kubelets.map(async (k) => (await fetch(`http://${k.host}:${k.port}/stats/summary`)).text()));
}

describe('counters: small (default)', () => {
  it('serves no counter of 16 or more digits', async () => {
    const bodies = await summaries({});
    for (const body of bodies) expect(body).not.toMatch(/\d{16}/);
  });
});

describe('counters: realistic', () => {
  it('node counters start at 1–5e15 or more, and exactly the seeded share of nodes has one pod above 2^53', async () => {
    const bodies = await summaries({ counters: 'realistic', bigCounterFraction: 0.2 });
    let nodesAboveSafe = 0;
    for (const body of bodies) {
      const node = (JSON.parse(body) as { node: { cpu: { usageCoreNanoSeconds: number } } }).node.cpu.usageCoreNanoSeconds;
      expect(node).toBeGreaterThanOrEqual(1e15);
      const values = counters(body);
      if (values.some((v) => v > MAX_SAFE)) nodesAboveSafe += 1;
      else expect(node).toBeLessThanOrEqual(5.01e15);
    }
    // 40 nodes at 20 %: some, not all (seeded, so the count is fixed).
    expect(nodesAboveSafe).toBeGreaterThan(2);
    expect(nodesAboveSafe).toBeLessThan(20);
    const again = await summaries({ counters: 'realistic', bigCounterFraction: 0.2 });
    expect(again).toEqual(bodies);
  });

  it('bigCounterFraction 0 keeps every counter at or below 2^53 - 1; 1 puts one pod above it on every node', async () => {
    for (const body of await summaries({ counters: 'realistic', bigCounterFraction: 0 })) {
      for (const value of counters(body)) expect(value <= MAX_SAFE).toBe(true);
    }
    await cluster?.stop();
    for (const body of await summaries({ counters: 'realistic', bigCounterFraction: 1 })) {
      const pods = (JSON.parse(body) as { pods: { podRef: { name: string } }[] }).pods;
      const perPod = podCounters(body);
      expect(perPod).toHaveLength(pods.length);
      expect(perPod.filter((v) => v > MAX_SAFE)).toHaveLength(1);
    }
  });

  it('counters above 2^53 are served as exact integers: rates from two scrapes match the truth', async () => {
    let now = T0;
    cluster = await startSimulatedCluster({ nodes: 1, podsPerNode: 3, containersPerPod: 2, seed: 7, clock: () => now, counters: 'realistic', bigCounterFraction: 1 });
    const c = cluster;
    const k = c.kubelets[0]!;
    const scrape = async (): Promise<bigint[]> => counters(await (await fetch(`http://${k.host}:${k.port}/stats/summary`)).text());
    const first = await scrape();
    now += 15_000;
    const second = await scrape();
    const pod = c.truth.listPods()[0]!;
    // Order in the body: node, pods/kubelet/runtime system containers, then per pod its containers and the pod.
    const podIndex = 4 + pod.containers.length;
    expect(first[podIndex]! > MAX_SAFE).toBe(true);
    for (const value of [...first, ...second]) expect(value % 1000n).toBe(0n);
    const podRate = Number(second[podIndex]! - first[podIndex]!) / (1000 * 15_000);
    expect(podRate).toBe(c.truth.podCpuMillicores(pod.namespace, pod.name, T0, T0 + 15_000));
    const mainCounter = c.truth.containerCpuUsageCoreNanoSeconds(pod.namespace, pod.name, pod.containers[0]!, T0);
    expect(BigInt(mainCounter)).toBe(first[4]);
  });

  it('rejects an unknown counters value and a fraction outside 0–1', async () => {
    await expect(startSimulatedCluster({ nodes: 1, podsPerNode: 1, containersPerPod: 1, counters: 'huge' as never })).rejects.toThrow(
      'kubelet-sim: option counters must be one of small, realistic, got "huge"',
    );
    await expect(startSimulatedCluster({ nodes: 1, podsPerNode: 1, containersPerPod: 1, bigCounterFraction: 1.5 })).rejects.toThrow(
      'kubelet-sim: option bigCounterFraction must be a number from 0 to 1, got 1.5',
    );
  });
});
