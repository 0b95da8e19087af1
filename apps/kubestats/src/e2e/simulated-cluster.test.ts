/**
 * kubestats against kubelet-sim over real HTTP: the served numbers are compared with the simulator's truth. Cycles
 * run with runOnce() at chosen times on a fake clock that the simulator shares, so every run is the same.
 */
import { startSimulatedCluster, type SimulatedCluster } from 'kubelet-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCpuQuantity } from '../api/quantity.js';
import { runCli } from '../cli/program.js';
import { simulatedSourceUri } from '../compose.js';
import { captureIo } from '../test-support/capture-io.js';
import { startHarness, type Harness } from '../test-support/e2e-harness.js';
import { nodeMetricsListSchema, nodeMetricsSchema, podMetricsListSchema, podMetricsSchema, statusSchema } from '../test-support/metrics-api-shapes.js';

const resolutionMs = 15_000;
const startMs = Date.UTC(2026, 0, 1, 12, 0, 0);

interface Running {
  readonly sim: SimulatedCluster;
  readonly harness: Harness;
  now: number;
  /** Advances both clocks by one resolution and runs a cycle. */
  step(): Promise<void>;
}

async function boot(sourceType: string, simOptions: Partial<Parameters<typeof startSimulatedCluster>[0]> = {}): Promise<Running> {
  const clockState = { now: startMs };
  const sim = await startSimulatedCluster({ nodes: 3, podsPerNode: 4, containersPerPod: 2, seed: 7, clock: () => clockState.now, ...simOptions });
  const harness = await startHarness({ source: simulatedSourceUri(sourceType, sim.apiServerUrl), resolutionMs, startMs });
  const running: Running = {
    sim,
    harness,
    get now() {
      return clockState.now;
    },
    set now(value: number) {
      clockState.now = value;
    },
    async step() {
      clockState.now += resolutionMs;
      await harness.cycle(clockState.now);
    },
  };
  return running;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

function withinFivePercent(actual: number, expected: number): void {
  // Quantities are whole millicores: allow the rounding on top of 5 %.
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(0.05 * expected, 1));
}

describe('summary source on a healthy simulated cluster', () => {
  let run: Running;
  beforeAll(async () => {
    run = await boot('kubernetes.summary_api');
    await run.step();
    await run.step();
  });
  afterAll(async () => {
    await run?.harness.stop();
    await run?.sim.stop();
  });

  it('serves node CPU within 5 % of the truth, with the real window, in the v1beta1 shape', async () => {
    const { body } = await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/nodes`);
    const list = nodeMetricsListSchema.parse(body);
    const nodes = run.sim.truth.listNodes();
    expect(list.items.map((item) => item.metadata.name).sort()).toEqual(nodes.map((node) => node.name).sort());
    for (const item of list.items) {
      expect(item.window).toBe('15s');
      const truth = run.sim.truth.nodeCpuMillicores(item.metadata.name, run.now - resolutionMs, run.now);
      withinFivePercent(parseCpuQuantity(item.usage.cpu ?? '') ?? Number.NaN, truth);
    }
    const one = await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/nodes/${nodes[0]?.name}`);
    nodeMetricsSchema.parse(one.body);
  });

  it('serves every pod, CPU within 5 % of the truth', async () => {
    const { body } = await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/pods`);
    const list = podMetricsListSchema.parse(body);
    const pods = run.sim.truth.listPods();
    expect(list.items.length).toBe(pods.length);
    for (const item of list.items) {
      const cpu = item.containers.reduce((total, container) => total + (parseCpuQuantity(container.usage.cpu ?? '') ?? Number.NaN), 0);
      const namespace = item.metadata.namespace;
      const truth = run.sim.truth.podCpuMillicores(namespace, item.metadata.name, run.now - resolutionMs, run.now);
      withinFivePercent(cpu, truth);
    }
    const first = list.items[0];
    const one = await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/namespaces/${first?.metadata.namespace}/pods/${first?.metadata.name}`);
    podMetricsSchema.parse(one.body);
  });

  it('recovers a restarted container’s rate in one cycle', async () => {
    const pod = run.sim.truth.listPods()[0];
    const container = pod?.containers[0];
    if (!pod || !container) throw new Error('the simulated cluster has no pods');
    run.sim.restartContainer(pod.namespace, pod.name, container);
    await run.step();
    const { body } = await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/namespaces/${pod.namespace}/pods/${pod.name}`);
    const served = podMetricsSchema.parse(body).containers.find((candidate) => candidate.name === container);
    expect(served?.usage.cpu).toBeDefined();
    const restartedAt = run.sim.truth.container(pod.namespace, pod.name, container).startMs;
    const truth = run.sim.truth.containerCpuMillicores(pod.namespace, pod.name, container, Math.max(restartedAt, run.now - resolutionMs), run.now);
    withinFivePercent(parseCpuQuantity(served?.usage.cpu ?? '') ?? Number.NaN, truth);
  });

  it('prints kubectl-top-like tables', async () => {
    const nodes = captureIo();
    expect(await runCli(['top', 'nodes', '--server', run.harness.url], nodes)).toBe(0);
    const lines = nodes.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)$/);
    expect(lines).toHaveLength(1 + run.sim.truth.listNodes().length);
    for (const node of run.sim.truth.listNodes()) expect(nodes.out()).toMatch(new RegExp(`^${node.name}\\s+\\d+m\\s+\\d+Mi$`, 'm'));

    const pod = run.sim.truth.listPods()[0];
    const pods = captureIo();
    expect(await runCli(['top', 'pods', '-n', pod?.namespace ?? '', '--server', run.harness.url], pods)).toBe(0);
    expect(pods.out()).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)$/m);
    expect(pods.out()).toMatch(new RegExp(`^${pod?.name}\\s+\\d+m\\s+\\d+Mi$`, 'm'));
    const all = captureIo();
    expect(await runCli(['top', 'pods', '--server', run.harness.url], all)).toBe(0);
    expect(all.out()).toMatch(/^NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)$/m);
  });
});

describe('a dead kubelet', () => {
  let run: Running;
  let deadNode: string;
  beforeAll(async () => {
    run = await boot('kubernetes.summary_api');
    await run.step();
    await run.step();
    deadNode = run.sim.truth.listNodes()[1]?.name ?? '';
    run.sim.setQuirks([{ kind: 'dead', node: deadNode }]);
    await run.sim.settled();
    await run.step();
  });
  afterAll(async () => {
    await run?.harness.stop();
    await run?.sim.stop();
  });

  it('leaves the other nodes and their pods intact', async () => {
    const nodes = nodeMetricsListSchema.parse((await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/nodes`)).body);
    const alive = run.sim.truth.listNodes().filter((node) => node.name !== deadNode).map((node) => node.name).sort();
    expect(nodes.items.map((item) => item.metadata.name).sort()).toEqual(alive);
    const pods = podMetricsListSchema.parse((await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/pods`)).body);
    const expected = run.sim.truth.listPods().filter((pod) => pod.node !== deadNode);
    expect(pods.items.length).toBe(expected.length);
  });

  it('answers 404 for its pods with the node and the reason, and explain says so', async () => {
    const pod = run.sim.truth.listPods().find((candidate) => candidate.node === deadNode);
    if (!pod) throw new Error(`no pod on ${deadNode}`);
    const { status, body } = await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/namespaces/${pod.namespace}/pods/${pod.name}`);
    expect(status).toBe(404);
    // A pooled connection sees the close (network error), a fresh one the refusal: either names the kubelet.
    const reason = /scrape-(refused|network-error)/;
    expect(statusSchema.parse(body).message).toMatch(reason);

    const io = captureIo();
    expect(await runCli(['explain', 'pod', `${pod.namespace}/${pod.name}`, '--server', run.harness.url], io)).toBe(0);
    const text = io.out();
    expect(text).toContain(`pod ${pod.namespace}/${pod.name} on node ${deadNode}`);
    expect(text).toContain('NO METRICS');
    expect(text).toMatch(reason);
    expect(text).toContain(`node:${deadNode}`);

    const nodeIo = captureIo();
    expect(await runCli(['explain', 'node', deadNode, '--server', run.harness.url], nodeIo)).toBe(0);
    expect(nodeIo.out()).toContain(`node ${deadNode}`);
    expect(nodeIo.out()).toMatch(reason);
  });
});

describe.each([
  ['kubernetes', 'docker'],
  ['kubernetes', 'kubepods-slice'],
  ['kubernetes.summary_api', undefined],
] as const)('the duplicate-cgroup quirk with the %s source (%s shape)', (sourceType, shape) => {
  let run: Running;
  beforeAll(async () => {
    run = await boot(sourceType, { quirks: [{ kind: 'duplicate-cgroup', ...(shape ? { shape } : {}) }] });
    await run.step();
    await run.step();
    await run.step();
  });
  afterAll(async () => {
    await run?.harness.stop();
    await run?.sim.stop();
  });

  it('never loses a pod, and its CPU stays within 5 % of the truth', async () => {
    const list = podMetricsListSchema.parse((await getJson(`${run.harness.url}/apis/metrics.k8s.io/v1beta1/pods`)).body);
    const pods = run.sim.truth.listPods();
    expect(list.items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`).sort()).toEqual(
      pods.map((pod) => `${pod.namespace}/${pod.name}`).sort(),
    );
    for (const item of list.items) {
      expect(item.containers.length).toBe(pods.find((pod) => pod.name === item.metadata.name)?.containers.length);
      const cpu = item.containers.reduce((total, container) => total + (parseCpuQuantity(container.usage.cpu ?? '') ?? Number.NaN), 0);
      withinFivePercent(cpu, run.sim.truth.podCpuMillicores(item.metadata.namespace, item.metadata.name, run.now - resolutionMs, run.now));
    }
  });
});
