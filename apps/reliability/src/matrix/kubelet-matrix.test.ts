/**
 * The kubelet fault matrix: one test per fault, each with its named expected outcome. Faults come from kubelet-sim's
 * quirks (dead, hang, slow, http-500, garbage, huge-body, counter-decrease, duplicate-cgroup) or from the fault proxy
 * in front of the last node (status codes, bodies and values kubelet-sim does not produce). Every row also checks the
 * invariants: the other nodes are unaffected, the failing node's pods explain the exact reason, no rate is negative.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { podContainerKey } from '@kubestats/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { BodyFault } from './kubelet-fault-proxy.js';
import { startMatrix, type MatrixHarness, type MatrixOptions } from './kubelet-matrix-harness.js';
import { expectNoNegativeRates, expectOtherNodesUnaffected, expectPodsExplain, failureReasons } from './matrix-expectations.js';

let harness: MatrixHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function start(options: MatrixOptions = {}): Promise<MatrixHarness> {
  harness = await startMatrix(options);
  return harness;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Rewrites the JSON of /stats/summary answers. */
function summaryFault(edit: (summary: SummaryJson, call: number) => string | void): BodyFault {
  let call = 0;
  return (answer) => {
    if (!answer.path.startsWith('/stats/summary') || answer.status !== 200) return undefined;
    call++;
    const summary = JSON.parse(answer.body) as SummaryJson;
    const replaced = edit(summary, call);
    return { status: 200, body: typeof replaced === 'string' ? replaced : JSON.stringify(summary) };
  };
}

interface SummaryJson {
  node: Record<string, unknown>;
  pods: {
    podRef: { name: string; namespace: string; uid: string };
    startTime?: string;
    containers: { name: string; startTime: string; cpu: Record<string, unknown>; memory: Record<string, unknown> }[];
  }[];
}

/** Runs two cycles (rates need two samples) with the fault in place from the start; returns the second report. */
async function twoCycles(h: MatrixHarness) {
  await h.cycle();
  return h.cycle();
}

describe('kubelet faults: sim quirks', () => {
  it('connection refused → scrape-refused for that kubelet only', async () => {
    const port = await closedPort();
    const h = await start({ extraTargets: [port] });
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`127.0.0.1:${port} scrape-refused`]);
    expect(report.failures[0]?.detail).toContain(`127.0.0.1:${port}`);
    expectOtherNodesUnaffected(h, report.batch, []);
    expectNoNegativeRates(report.batch);
  });

  it('kubelet closes its port (dead) → scrape-refused, its pods explain it', async () => {
    const h = await start({ quirks: [{ kind: 'dead', node: 'node-0' }] });
    await h.sim.settled();
    const failing = h.nodeNames[0]!;
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`${failing} scrape-refused`]);
    expectOtherNodesUnaffected(h, report.batch, [failing]);
    expectPodsExplain(h, failing, 'scrape-refused');
    expectNoNegativeRates(report.batch);
  });

  it('accept-then-hang → scrape-timeout after timeoutMs, the cycle still completes', async () => {
    const h = await start({ quirks: [{ kind: 'hang', node: 'node-0' }], sourceOptions: { timeoutMs: '2000' } });
    const failing = h.nodeNames[0]!;
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`${failing} scrape-timeout`]);
    expect(report.failures[0]?.detail).toMatch(/timeout after 2000 ms/);
    expectOtherNodesUnaffected(h, report.batch, [failing]);
    expectPodsExplain(h, failing, 'scrape-timeout');
  });

  it('slow (answers after the timeout) → scrape-timeout', async () => {
    const h = await start({ quirks: [{ kind: 'slow', node: 'node-0', delayMs: 5000 }], sourceOptions: { timeoutMs: '2000' } });
    const failing = h.nodeNames[0]!;
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`${failing} scrape-timeout`]);
    expectOtherNodesUnaffected(h, report.batch, [failing]);
    expectPodsExplain(h, failing, 'scrape-timeout');
  });

  it('HTTP 500 → scrape-http-error naming the status', async () => {
    const h = await start({ quirks: [{ kind: 'http-500', node: 'node-0' }] });
    const failing = h.nodeNames[0]!;
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`${failing} scrape-http-error`]);
    expect(report.failures[0]?.detail).toContain('500');
    expectOtherNodesUnaffected(h, report.batch, [failing]);
    expectPodsExplain(h, failing, 'scrape-http-error');
  });

  it('truncated JSON (garbage) → decode-error naming the byte', async () => {
    const h = await start({ quirks: [{ kind: 'garbage', node: 'node-0' }] });
    const failing = h.nodeNames[0]!;
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`${failing} decode-error`]);
    expect(report.failures[0]?.detail).toMatch(/truncated JSON at byte \d+/);
    expectOtherNodesUnaffected(h, report.batch, [failing]);
    expectPodsExplain(h, failing, 'decode-error');
  });

  it('100 MB body → response-too-large at the 50 MiB cap, memory bounded', async () => {
    const h = await start({ quirks: [{ kind: 'huge-body', node: 'node-0', bytes: 100 * 1024 * 1024 }] });
    const failing = h.nodeNames[0]!;
    const before = process.memoryUsage();
    const report = await twoCycles(h);
    const after = process.memoryUsage();
    expect(failureReasons(report.failures)).toEqual([`${failing} response-too-large`]);
    expectOtherNodesUnaffected(h, report.batch, [failing]);
    expectPodsExplain(h, failing, 'response-too-large');
    // The body is never held whole: growth stays well under one copy of it.
    expect((after.heapUsed + after.external - before.heapUsed - before.external) / 2 ** 20).toBeLessThan(100);
  });

  it('counter decrease → counter-reset, the rate stays non-negative', async () => {
    const h = await start({ quirks: [{ kind: 'counter-decrease', fraction: 0.5 }] });
    const reports = [await h.cycle(), await h.cycle(), await h.cycle()];
    const report = reports[2]!;
    for (const each of reports) {
      expect(each.failures).toEqual([]);
      expectNoNegativeRates(each.batch);
    }
    // kubelet-sim serves half the counter on every second request of the affected containers.
    expect(reports[1]!.diagnostics.some((diagnostic) => diagnostic.reason === 'counter-reset')).toBe(true);
    expectOtherNodesUnaffected(h, report.batch, []);
    expectNoNegativeRates(report.batch);
  });

  for (const shape of ['docker', 'kubepods-slice'] as const) {
    it(`duplicate cgroups (${shape} shape, legacy /stats/container) → one set per container, duplicate-cgroup-resolved`, async () => {
      const h = await start({ legacySource: true, quirks: [{ kind: 'duplicate-cgroup', shape, fraction: 1 }] });
      const report = await twoCycles(h);
      expect(report.failures).toEqual([]);
      expect(report.diagnostics.filter((diagnostic) => diagnostic.reason === 'duplicate-cgroup-resolved').length).toBeGreaterThan(0);
      const containerKeys = [...report.batch.metricSets.keys()].filter((key) => key.includes('/container:') && key.startsWith('namespace:'));
      expect(new Set(containerKeys).size).toBe(containerKeys.length);
      expectOtherNodesUnaffected(h, report.batch, []);
      expectNoNegativeRates(report.batch);
    });
  }
});

describe('kubelet faults: through the fault proxy', () => {
  for (const status of [401, 403]) {
    it(`HTTP ${status} → scrape-unauthorized`, async () => {
      const h = await start();
      h.setProxyFault(() => ({ status, body: 'Forbidden (user=system:serviceaccount:kube-system:kubestats, verb=get, resource=nodes, subresource=stats)' }));
      const report = await twoCycles(h);
      expect(failureReasons(report.failures)).toEqual([`${h.proxiedNode} scrape-unauthorized`]);
      expectOtherNodesUnaffected(h, report.batch, [h.proxiedNode]);
      expectPodsExplain(h, h.proxiedNode, 'scrape-unauthorized');
    });
  }

  it('invalid JSON (an HTML error page) → decode-error', async () => {
    const h = await start();
    h.setProxyFault(() => ({ status: 200, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' }));
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`${h.proxiedNode} decode-error`]);
    expect(report.failures[0]?.detail).toMatch(/invalid JSON at byte 0/);
    expectPodsExplain(h, h.proxiedNode, 'decode-error');
    expectOtherNodesUnaffected(h, report.batch, [h.proxiedNode]);
  });

  it('valid JSON of the wrong shape → decode-error naming the path', async () => {
    const h = await start();
    h.setProxyFault(() => ({ status: 200, body: '{"node": "not an object", "pods": {}}' }));
    const report = await twoCycles(h);
    expect(failureReasons(report.failures)).toEqual([`${h.proxiedNode} decode-error`]);
    expect(report.failures[0]?.detail).toMatch(/wrong shape: .*node/);
    expectPodsExplain(h, h.proxiedNode, 'decode-error');
    expectOtherNodesUnaffected(h, report.batch, [h.proxiedNode]);
  });

  it('NaN, negative and huge counters → invalid-value for those values only, the rest decoded', async () => {
    const h = await start();
    const pods = h.podsOn(h.proxiedNode);
    h.setProxyFault(
      summaryFault((summary) => {
        const [first, second] = summary.pods;
        if (!first?.containers[0] || !first.containers[1] || !second?.containers[0]) throw new Error('matrix: the sim pod shape changed');
        first.containers[0].cpu.usageCoreNanoSeconds = -5;
        first.containers[1].memory.workingSetBytes = 'HUGE';
        second.containers[0].cpu.usageCoreNanoSeconds = 'NaN';
        return JSON.stringify(summary).replace('"HUGE"', '1e400');
      }),
    );
    const report = await twoCycles(h);
    expect(report.failures).toEqual([]);
    const invalid = report.diagnostics.filter((diagnostic) => diagnostic.reason === 'invalid-value');
    expect(invalid.map((diagnostic) => diagnostic.detail)).toEqual([
      'cpu.usageCoreNanoSeconds = -5 left out: negative',
      'memory.workingSetBytes = Infinity left out: not a finite non-negative number',
      'cpu.usageCoreNanoSeconds = "NaN" left out: a string, not a number',
    ]);
    // 1e400 parses to Infinity: left out with its own diagnostic (before the decoder fix it passed for uint64
    // "unlimited", silently), and it never reaches the batch as a value.
    const hugeKey = podContainerKey(pods[0]!.namespace, pods[0]!.name, 'sidecar-1');
    expect(report.batch.metricSets.get(hugeKey)?.metricValues.has('memory/working_set')).toBe(false);
    expectNoNegativeRates(report.batch);
    expectOtherNodesUnaffected(h, report.batch, [h.proxiedNode]);
    // The proxied node itself still reports everything that was valid.
    expect(report.batch.metricSets.has(`node:${h.proxiedNode}`)).toBe(true);
    expect(pods.some((pod) => report.batch.metricSets.has(podContainerKey(pod.namespace, pod.name, 'sidecar-1')))).toBe(true);
  });

  it('start time moving backwards (no restart) → no restart is claimed and no negative rate', async () => {
    const h = await start();
    h.setProxyFault(
      summaryFault((summary, call) => {
        if (call < 2) return;
        for (const pod of summary.pods) for (const container of pod.containers) container.startTime = new Date(Date.parse(container.startTime) - 3_600_000).toISOString();
      }),
    );
    const report = await twoCycles(h);
    expect(report.failures).toEqual([]);
    expect(report.diagnostics.filter((diagnostic) => diagnostic.reason === 'counter-reset')).toEqual([]);
    expectNoNegativeRates(report.batch);
    expectOtherNodesUnaffected(h, report.batch, []);
  });

  it('a pod reported by two kubelets → pod-on-several-nodes, kept once from the node its metadata names', async () => {
    const h = await start();
    const borrowedFrom = h.sim.kubelets[0]!;
    const borrowed = async () => ((await (await fetch(`http://127.0.0.1:${borrowedFrom.port}/stats/summary`)).json()) as SummaryJson).pods[0]!;
    let foreign = await borrowed();
    h.setProxyFault(
      summaryFault((summary) => {
        summary.pods.push(foreign);
      }),
    );
    await h.cycle();
    foreign = await borrowed();
    const report = await h.cycle();
    expect(report.diagnostics.some((diagnostic) => diagnostic.reason === 'pod-on-several-nodes')).toBe(true);
    expectOtherNodesUnaffected(h, report.batch, []);
    expectNoNegativeRates(report.batch);
  });

  it('clock skew (one kubelet 5 minutes ahead) → other nodes unaffected, rates still non-negative', async () => {
    const h = await start();
    h.setProxyFault(
      summaryFault((summary) =>
        JSON.stringify(summary).replace(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)"/g, (_match, time: string) => JSON.stringify(new Date(Date.parse(time) + 300_000).toISOString())),
      ),
    );
    await h.cycle();
    const report = await h.cycle();
    expect(report.failures).toEqual([]);
    expectOtherNodesUnaffected(h, report.batch, []);
    expectNoNegativeRates(report.batch);
  });
});
