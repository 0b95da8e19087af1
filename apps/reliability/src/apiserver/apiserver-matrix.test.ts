/**
 * The apiserver rows of the fault matrix: kubelet-sim's apiserver behind a fault proxy, kubestats composed by the app
 * (real kube-metadata informers, summary source discovering nodes through them, processors, memory sink). Each row
 * names its expected outcome; the results are in docs/reliability.md.
 */
import { podKey, rateDefinitions, type DataBatch } from '@kubestats/core';
import { startSimulatedCluster } from 'kubelet-sim';
import { explainNode, explainPod, runCli } from 'kubestats';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../../kubestats/src/test-support/capture-io.js';
import { startApiserverFaultProxy } from './apiserver-fault-proxy.js';
import { startApiserverHarness, type ApiserverHarness } from './apiserver-matrix-harness.js';

const cpuRate = rateDefinitions[0]?.output.name ?? '';
let harness: ApiserverHarness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Pods (namespace/name) the sim runs on `node`, from its truth. */
function podsOn(h: ApiserverHarness, node: string): { namespace: string; name: string }[] {
  return h.sim.truth
    .listPods()
    .filter((pod) => pod.node === node)
    .map(({ namespace, name }) => ({ namespace, name }));
}

/** Pods of every node but `except` that have no cpu rate in the batch. */
function podsWithoutRate(h: ApiserverHarness, batch: DataBatch, except: readonly string[] = []): string[] {
  const missing: string[] = [];
  for (const node of h.nodeNames) {
    if (except.includes(node)) continue;
    for (const pod of podsOn(h, node)) if (!batch.metricSets.get(podKey(pod.namespace, pod.name))?.metricValues.has(cpuRate)) missing.push(`${pod.namespace}/${pod.name}`);
  }
  return missing;
}

function requestsSince(h: ApiserverHarness, index: number) {
  return h.proxy.requests.slice(index);
}

describe('apiserver fault matrix (kubestats composed by the app over kubelet-sim)', () => {
  it('watch stream dropped → watches resume from their resourceVersion, changes after the drop are seen, cycles unaffected', async () => {
    const h = (harness = await startApiserverHarness());
    await h.cycle();
    await h.until(() => h.proxy.openWatches() === 3, 'the three informer watches');
    const before = h.proxy.requests.length;

    expect(h.proxy.dropWatches()).toBe(3);
    const added = h.sim.addPod({ namespace: 'default', name: 'after-drop', node: h.nodeNames[0] });
    await h.until(() => h.app.metadata?.getPod('default', 'after-drop') !== undefined && h.proxy.openWatches() === 3, 'the pod added after the drop in the metadata');

    const resumed = requestsSince(h, before).filter((request) => request.watch);
    expect(resumed.length).toBeGreaterThanOrEqual(3);
    // Resumed, not relisted: no list request after the drop.
    expect(requestsSince(h, before).filter((request) => !request.watch)).toEqual([]);
    for (const request of resumed) expect(new URL(request.path, 'http://x').searchParams.get('resourceVersion') ?? '').toMatch(/^[1-9]\d*$/);
    expect(h.app.metadata?.listNodes()).toHaveLength(3);

    await h.cycle();
    const report = await h.cycle();
    expect(report.failures).toEqual([]);
    expect(podsWithoutRate(h, report.batch)).toEqual([]);
    expect(report.batch.metricSets.get(podKey('default', added.name))?.metricValues.has(cpuRate)).toBe(true);
  });

  it('410 Gone (watch history compacted) → every informer relists, the cache matches the apiserver again', async () => {
    const h = (harness = await startApiserverHarness());
    await h.cycle();
    await h.until(() => h.proxy.openWatches() === 3, 'the three informer watches');
    const victim = podsOn(h, h.nodeNames[1] ?? '')[0];
    if (!victim) throw new Error('no pod on node 1');
    const before = h.proxy.requests.length;

    h.sim.compactWatchHistory();
    await h.until(() => {
      const lists = requestsSince(h, before).filter((request) => !request.watch).map((request) => request.path.split('?')[0]);
      return ['/api/v1/nodes', '/api/v1/pods', '/api/v1/namespaces'].every((path) => lists.includes(path)) && h.proxy.openWatches() === 3;
    }, 'a relist of nodes, pods and namespaces after 410');
    const after410 = requestsSince(h, before);
    // The resumed watch was answered with the 410 ERROR event, then a list, then a new watch.
    expect(after410.some((request) => request.watch)).toBe(true);

    h.sim.deletePod(victim.namespace, victim.name);
    await h.until(() => h.app.metadata?.getPod(victim.namespace, victim.name) === undefined, 'the pod deleted after the relist gone from the metadata');
    expect(h.app.metadata?.listPods().length).toBe(h.sim.truth.listPods().length);
    expect(h.log.lines.filter((line) => line.includes('"level":50'))).toEqual([]);

    await h.cycle();
    const report = await h.cycle();
    expect(report.failures).toEqual([]);
    expect(podsWithoutRate(h, report.batch)).toEqual([]);
  });

  it('apiserver down after start → cycles go on with the last known nodes, health says retrying; back up → watches restart', async () => {
    const h = (harness = await startApiserverHarness());
    await h.cycle();
    await h.until(() => h.proxy.openWatches() === 3, 'the three informer watches');

    await h.proxy.down();
    await h.until(() => /retrying in \d+ ms/.test(h.app.metadata?.health().detail ?? ''), 'health saying the watches are retrying');
    const down = await h.cycle();
    expect(down.failures).toEqual([]);
    expect(podsWithoutRate(h, down.batch)).toEqual([]);
    expect(h.app.metadata?.health().ready).toBe(true);
    expect(h.log.entries().some((entry) => entry.msg === 'watch failed; restarting')).toBe(true);

    await h.proxy.up();
    h.sim.addPod({ namespace: 'default', name: 'while-up-again', node: h.nodeNames[2] });
    await h.until(() => h.app.metadata?.getPod('default', 'while-up-again') !== undefined && h.proxy.openWatches() === 3, 'the watches back after the apiserver returns');
    expect(h.app.metadata?.health().detail).not.toMatch(/retrying/);
  });

  it('node deleted while its scrape is in flight → that scrape fails scrape-refused and its pods explain it; next cycles: node not discovered, other nodes fine', async () => {
    const h = (harness = await startApiserverHarness());
    const doomed = h.nodeNames[2] ?? '';
    await h.cycle();
    await h.cycle();
    h.sim.setQuirks([{ kind: 'slow', node: doomed, delayMs: 1 }]);

    const inFlight = h.startCycle();
    const held = await h.nextHeldDelay();
    // The kubelet of `doomed` is answering right now: delete the node at the apiserver and take its kubelet away.
    await h.proxy.deleteNode(doomed);
    await h.until(() => h.app.metadata?.getNode(doomed) === undefined, 'the node deletion in the metadata');
    h.sim.setQuirks([{ kind: 'dead', node: doomed }]);
    await h.sim.settled();
    held.release();
    const during = await inFlight;
    // Its kubelet went away under the request: the one failure of the cycle is that node's, with the exact reason.
    expect(during.failures.map((failure) => `${failure.node ?? ''} ${failure.reason}`)).toEqual([`${doomed} scrape-refused`]);
    expect(podsWithoutRate(h, during.batch, [doomed])).toEqual([]);
    for (const pod of podsOn(h, doomed)) {
      const report = explainPod(h.app.apiContext, pod.namespace, pod.name);
      expect(report.usable).toBe(false);
      expect(report.summary).toContain('scrape-refused');
    }

    const after = await h.cycle();
    expect(after.failures).toEqual([]);
    expect(podsWithoutRate(h, after.batch, [doomed])).toEqual([]);
    expect(after.batch.metricSets.has(`node:${doomed}`)).toBe(false);
    for (const pod of podsOn(h, doomed)) {
      expect(after.batch.metricSets.has(podKey(pod.namespace, pod.name))).toBe(false);
      const report = explainPod(h.app.apiContext, pod.namespace, pod.name);
      expect(report.usable).toBe(false);
      // The last word on them is still the refused scrape of their (now deleted) node, naming it.
      expect(report.summary, JSON.stringify(report)).toContain('scrape-refused');
      expect(report.node).toBe(doomed);
    }
    expect(explainNode(h.app.apiContext, doomed).usable).toBe(false);

    // The pod garbage collector then deletes the orphaned pods: they leave the metadata and nothing is missing.
    for (const pod of podsOn(h, doomed)) h.sim.deletePod(pod.namespace, pod.name);
    await h.until(() => (h.app.metadata?.listPods() ?? []).every((pod) => pod.nodeName !== doomed), 'the orphaned pods deleted');
    const settled = await h.cycle();
    expect(settled.failures).toEqual([]);
    expect(podsWithoutRate(h, settled.batch)).toEqual([]);
  });

  it('apiserver down at start → prepare() fails fast naming the apiserver URL and the cause; the CLI exits 1; up again → a restart runs', async () => {
    const sim = await startSimulatedCluster({ nodes: 2, podsPerNode: 1, containersPerPod: 1, kubeletHttps: false });
    const proxy = await startApiserverFaultProxy(sim.apiServerUrl);
    try {
      await proxy.down();
      const source = `kubernetes.summary_api:${proxy.url}?inClusterConfig=false&useNodeStatusPort=true`;
      const started = Date.now();
      const io = captureIo();
      const code = await runCli(['once', `--source=${source}`, '--log_level=error'], io);
      const elapsedMs = Date.now() - started;
      expect(code).toBe(1);
      expect(io.err()).toContain(`apiserver ${proxy.url}`);
      expect(io.err()).toMatch(/initial list of (nodes|pods|namespaces) failed: .*ECONNREFUSED/);
      // Fails fast: the connection is refused, no wait for the 30 s metadata sync timeout.
      expect(elapsedMs).toBeLessThan(10_000);

      await proxy.up();
      const again = captureIo();
      expect(await runCli(['once', `--source=${source}`, '--log_level=error'], again)).toBe(0);
      expect(again.out()).toMatch(/node/i);
    } finally {
      await proxy.stop();
      await sim.stop();
    }
  });
});
