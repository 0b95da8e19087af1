import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedCluster, type SimulatedCluster } from './simulated-cluster.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

interface Summary {
  node: { nodeName: string; startTime: string; cpu: { time: string; usageCoreNanoSeconds: number; usageNanoCores: number }; memory: { workingSetBytes: number }; systemContainers: { name: string }[] };
  pods: {
    podRef: { name: string; namespace: string; uid: string };
    startTime: string;
    cpu: { time: string; usageCoreNanoSeconds: number };
    memory: { workingSetBytes: number };
    containers: { name: string; startTime: string; cpu: { time: string; usageCoreNanoSeconds: number; usageNanoCores: number }; memory: { workingSetBytes: number } }[];
  }[];
}

/** Every key path of a JSON value, arrays collapsed to `[]`. */
function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keyPaths(v, `${prefix}[]`, out);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) keyPaths(v, `${prefix}.${k}`, out);
  else out.add(prefix);
  return out;
}

let cluster: SimulatedCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function start(now: { t: number }, nodes = 2): Promise<SimulatedCluster> {
  cluster = await startSimulatedCluster({ nodes, podsPerNode: 3, containersPerPod: 2, seed: 7, clock: () => now.t });
  return cluster;
}

function kubeletUrl(c: SimulatedCluster, node: number, path: string): string {
  const k = c.kubelets[node]!;
  return `http://${k.host}:${k.port}${path}`;
}

async function summary(c: SimulatedCluster, node = 0): Promise<Summary> {
  const res = await fetch(kubeletUrl(c, node, '/stats/summary'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return (await res.json()) as Summary;
}

describe('kubelet /stats/summary', () => {
  it('has every key path of the real k8s 1.28 summary (nri-kubernetes fixture)', async () => {
    const c = await start({ t: T0 });
    const fixture: unknown = JSON.parse(readFileSync(new URL('./fixtures/nri-kubernetes-k8s-1.28-stats-summary.json', import.meta.url), 'utf8'));
    const ours = keyPaths(await summary(c));
    const missing = [...keyPaths(fixture)].filter((p) => !ours.has(p));
    expect(missing).toEqual([]);
    const extra = [...ours].filter((p) => !keyPaths(fixture).has(p));
    expect(extra).toEqual([]);
  });

  it('serves the request time (whole seconds) and the node, pods and containers the truth lists', async () => {
    const now = { t: T0 + 1_500 };
    const c = await start(now);
    const s = await summary(c, 1);
    expect(s.node.nodeName).toBe('node-1');
    expect(s.node.cpu.time).toBe('2024-05-01T12:00:01Z');
    const truthPods = c.truth.listPods().filter((p) => p.node === 'node-1');
    expect(s.pods.map((p) => `${p.podRef.namespace}/${p.podRef.name}`).sort()).toEqual(truthPods.map((p) => `${p.namespace}/${p.name}`).sort());
    expect(s.pods[0]!.containers.map((x) => x.name)).toEqual(['main', 'sidecar-1']);
    expect(s.node.systemContainers.map((x) => x.name)).toEqual(['pods', 'kubelet', 'runtime']);
  });

  it('counters are monotonic and their delta over Δt equals the truth exactly (container, pod, node)', async () => {
    const now = { t: T0 };
    const c = await start(now);
    const samples: Summary[] = [];
    for (let i = 0; i < 4; i += 1) {
      samples.push(await summary(c));
      now.t += 15_000 + i * 7_000;
    }
    for (let i = 1; i < samples.length; i += 1) {
      const a = samples[i - 1]!;
      const b = samples[i]!;
      const from = Date.parse(a.node.cpu.time);
      const to = Date.parse(b.node.cpu.time);
      const rate = (x: number, y: number): number => (y - x) / ((to - from) * 1000);
      expect(b.node.cpu.usageCoreNanoSeconds).toBeGreaterThan(a.node.cpu.usageCoreNanoSeconds);
      expect(rate(a.node.cpu.usageCoreNanoSeconds, b.node.cpu.usageCoreNanoSeconds)).toBeCloseTo(c.truth.nodeCpuMillicores('node-0', from, to), 9);
      for (const [k, pod] of b.pods.entries()) {
        const prev = a.pods[k]!;
        const { namespace, name } = pod.podRef;
        expect(rate(prev.cpu.usageCoreNanoSeconds, pod.cpu.usageCoreNanoSeconds)).toBeCloseTo(c.truth.podCpuMillicores(namespace, name, from, to), 9);
        for (const [j, ctr] of pod.containers.entries()) {
          const p = prev.containers[j]!;
          expect(ctr.cpu.usageCoreNanoSeconds).toBeGreaterThanOrEqual(p.cpu.usageCoreNanoSeconds);
          expect(ctr.cpu.usageCoreNanoSeconds).toBe(c.truth.containerCpuUsageCoreNanoSeconds(namespace, name, ctr.name, to));
          expect(rate(p.cpu.usageCoreNanoSeconds, ctr.cpu.usageCoreNanoSeconds)).toBeCloseTo(c.truth.containerCpuMillicores(namespace, name, ctr.name, from, to), 9);
          expect(ctr.memory.workingSetBytes).toBe(c.truth.containerMemoryWorkingSetBytes(namespace, name, ctr.name, to));
        }
        expect(pod.memory.workingSetBytes).toBe(c.truth.podMemoryWorkingSetBytes(namespace, name, to));
      }
      expect(b.node.memory.workingSetBytes).toBe(c.truth.nodeMemoryWorkingSetBytes('node-0', to));
    }
  });

  it('node CPU is its pods plus a system overhead', async () => {
    const c = await start({ t: T0 });
    const from = T0;
    const to = T0 + 60_000;
    const pods = c.truth.listPods().filter((p) => p.node === 'node-0');
    const podSum = pods.reduce((n, p) => n + c.truth.podCpuMillicores(p.namespace, p.name, from, to), 0);
    const overhead = c.truth.nodeCpuMillicores('node-0', from, to) - podSum;
    expect(overhead).toBeGreaterThanOrEqual(100);
    expect(overhead).toBeLessThanOrEqual(400);
  });

  it('a restart resets the container counter and start time; the pod and node counters keep growing', async () => {
    const now = { t: T0 };
    const c = await start(now);
    const pod = c.truth.listPods().find((p) => p.node === 'node-0')!;
    const before = await summary(c);
    now.t += 20_000;
    c.restartContainer(pod.namespace, pod.name, 'main');
    now.t += 5_000;
    const after = await summary(c);
    const pick = (s: Summary) => s.pods.find((p) => p.podRef.name === pod.name)!;
    const cBefore = pick(before).containers.find((x) => x.name === 'main')!;
    const cAfter = pick(after).containers.find((x) => x.name === 'main')!;
    expect(cAfter.startTime).toBe('2024-05-01T12:00:20Z');
    expect(cAfter.cpu.usageCoreNanoSeconds).toBeLessThan(cBefore.cpu.usageCoreNanoSeconds);
    expect(cAfter.cpu.usageCoreNanoSeconds).toBe(c.truth.containerCpuMillicores(pod.namespace, pod.name, 'main', T0 + 20_000, T0 + 25_000) * 5_000 * 1000);
    expect(c.truth.container(pod.namespace, pod.name, 'main').restartCount).toBe(1);
    expect(pick(after).cpu.usageCoreNanoSeconds).toBeGreaterThan(pick(before).cpu.usageCoreNanoSeconds);
    expect(after.node.cpu.usageCoreNanoSeconds).toBeGreaterThan(before.node.cpu.usageCoreNanoSeconds);
  });

  it('a deleted pod leaves the summary, the node counter stays monotonic and the truth still covers its past', async () => {
    const now = { t: T0 };
    const c = await start(now);
    const pod = c.truth.listPods().find((p) => p.node === 'node-0')!;
    const before = await summary(c);
    now.t += 30_000;
    c.deletePod(pod.namespace, pod.name);
    now.t += 30_000;
    const after = await summary(c);
    expect(after.pods.some((p) => p.podRef.name === pod.name)).toBe(false);
    const rate = (after.node.cpu.usageCoreNanoSeconds - before.node.cpu.usageCoreNanoSeconds) / (60_000 * 1000);
    expect(rate).toBeCloseTo(c.truth.nodeCpuMillicores('node-0', T0, T0 + 60_000), 9);
    expect(c.truth.podCpuMillicores(pod.namespace, pod.name, T0 + 30_000, T0 + 60_000)).toBe(0);
    expect(c.truth.podCpuMillicores(pod.namespace, pod.name, T0, T0 + 30_000)).toBeGreaterThan(0);
  });

  it('only_cpu_and_memory=true gives the reduced form metrics-server asks for', async () => {
    const c = await start({ t: T0 });
    const res = await fetch(kubeletUrl(c, 0, '/stats/summary?only_cpu_and_memory=true'));
    const s = (await res.json()) as Record<string, Record<string, unknown>[]> & { node: Record<string, unknown> };
    expect(Object.keys(s.node).sort()).toEqual(['cpu', 'memory', 'nodeName', 'startTime', 'systemContainers']);
    expect(Object.keys(s.pods![0]!).sort()).toEqual(['containers', 'cpu', 'memory', 'podRef', 'startTime']);
  });
});

describe('kubelet /metrics/resource', () => {
  it('serves the fixture families plus container_start_time_seconds, stamped with the request time, matching the truth', async () => {
    const now = { t: T0 + 123 };
    const c = await start(now);
    const res = await fetch(kubeletUrl(c, 0, '/metrics/resource'));
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const fixture = readFileSync(new URL('./fixtures/metrics-server-kind-2021-10-metrics-resource.prom', import.meta.url), 'utf8');
    const families = (t: string): string[] => [...t.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(families(text)).toEqual([...families(fixture), 'container_start_time_seconds gauge'].sort());
    const pod = c.truth.listPods().find((p) => p.node === 'node-0')!;
    const line = text.split('\n').find((l) => l.startsWith(`container_cpu_usage_seconds_total{container="main",namespace="${pod.namespace}",pod="${pod.name}"}`))!;
    const [, value, ts] = line.split(' ');
    expect(Number(ts)).toBe(T0 + 123);
    expect(Number(value)).toBeCloseTo(c.truth.containerCpuUsageCoreNanoSeconds(pod.namespace, pod.name, 'main', T0 + 123) / 1e9, 6);
    const startLine = text.split('\n').find((l) => l.startsWith(`container_start_time_seconds{container="main",namespace="${pod.namespace}",pod="${pod.name}"}`))!;
    expect(Number(startLine.split(' ')[1]) * 1000).toBe(c.truth.container(pod.namespace, pod.name, 'main').startMs);
    expect(text).toMatch(/^scrape_error 0$/m);
  });
});

describe('kubelet /stats/container and /pods', () => {
  it('POST /stats/container returns a cAdvisor v1 map with io.kubernetes labels and samples within start/end', async () => {
    const now = { t: T0 + 60_000 };
    const c = await start(now);
    const res = await fetch(kubeletUrl(c, 0, '/stats/container/'), {
      method: 'POST',
      body: JSON.stringify({ containerName: '/', subcontainers: true, start: new Date(T0 + 25_000).toISOString(), end: new Date(T0 + 60_000).toISOString() }),
    });
    expect(res.status).toBe(200);
    const map = (await res.json()) as Record<string, { name: string; spec: { labels: Record<string, string>; creation_time: string }; stats: { timestamp: string; cpu: { usage: { total: number } } }[] }>;
    const seed = JSON.parse(readFileSync(new URL('./fixtures/seed-article-stats-container-scrape-1.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const seedEntry = Object.values(seed)[1];
    const ours = Object.values(map).find((e) => e.name !== '/')!;
    expect([...keyPaths(ours)].filter((p) => !p.startsWith('.spec.labels') && !p.startsWith('.spec.memory.swap'))).toEqual(
      expect.arrayContaining([...keyPaths(seedEntry)].filter((p) => !p.startsWith('.spec.labels') && !p.startsWith('.spec.memory.swap'))),
    );
    expect(map['/']).toBeDefined();
    const pod = c.truth.listPods().find((p) => p.node === 'node-0')!;
    const entry = Object.values(map).find((e) => e.spec.labels['io.kubernetes.pod.name'] === pod.name && e.spec.labels['io.kubernetes.container.name'] === 'main')!;
    expect(entry.name).toMatch(new RegExp(`^/kubepods/burstable/pod${pod.uid}/[0-9a-f]{64}$`));
    expect(entry.spec.labels['io.kubernetes.pod.namespace']).toBe(pod.namespace);
    expect(entry.stats.map((s) => s.timestamp)).toEqual(['2024-05-01T12:00:30.000000000Z', '2024-05-01T12:00:40.000000000Z', '2024-05-01T12:00:50.000000000Z', '2024-05-01T12:01:00.000000000Z']);
    expect(entry.stats[3]!.cpu.usage.total).toBe(c.truth.containerCpuUsageCoreNanoSeconds(pod.namespace, pod.name, 'main', T0 + 60_000));
  });

  it('answers 400 for a malformed StatsRequest and 404 for unknown paths', async () => {
    const c = await start({ t: T0 });
    const bad = await fetch(kubeletUrl(c, 0, '/stats/container'), { method: 'POST', body: '{"start": 5' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('node-0');
    expect((await fetch(kubeletUrl(c, 0, '/nope'))).status).toBe(404);
    expect((await fetch(kubeletUrl(c, 0, '/stats/summary'), { method: 'POST' })).status).toBe(405);
  });

  it('GET /pods is a PodList of the node\'s pods, like the apiserver serves them', async () => {
    const c = await start({ t: T0 });
    const list = (await (await fetch(kubeletUrl(c, 1, '/pods'))).json()) as { kind: string; items: { metadata: { name: string }; spec: { nodeName: string } }[] };
    expect(list.kind).toBe('PodList');
    expect(list.items).toHaveLength(3);
    expect(new Set(list.items.map((p) => p.spec.nodeName))).toEqual(new Set(['node-1']));
  });
});
