import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Metrics, type ContainerInfo } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { ContainerMetricsTable } from './container-metrics-table.js';
import { requestAndLimitMetrics } from './resource-metrics.js';

const container = (overrides: Partial<ContainerInfo> = {}): ContainerInfo => ({
  name: 'web',
  image: 'web:1',
  requests: { cpu: 100, 'nvidia.com/gpu': 1 },
  limits: { memory: 1024 },
  restartCount: 0,
  containerId: undefined,
  ...overrides,
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('ContainerMetricsTable', () => {
  it('holds requests, limits and restart count in the order of requestAndLimitMetrics, values frozen', () => {
    const metrics = new ContainerMetricsTable().metricsOf(container({ restartCount: 3 }));
    const expected = requestAndLimitMetrics({ cpu: 100, 'nvidia.com/gpu': 1 }, { memory: 1024 });
    expect([...metrics.keys()]).toEqual([...expected.keys(), Metrics.restartCount.name]);
    expect(metrics.get(Metrics.restartCount.name)?.value).toBe(3n);
    expect(metrics.get(Metrics.memoryLimit.name)?.value).toBe(1024n);
    for (const value of metrics.values()) expect(Object.isFrozen(value)).toBe(true);
  });

  it('hands out one map for containers of the same content, another when anything differs', () => {
    const table = new ContainerMetricsTable();
    const first = table.metricsOf(container());
    expect(table.metricsOf(container({ name: 'other', image: 'other:2' }))).toBe(first);
    expect(table.metricsOf(container({ restartCount: 1 }))).not.toBe(first);
    expect(table.metricsOf(container({ limits: { memory: 2048 } }))).not.toBe(first);
    // The same extended resources in another order: another metric order, so another map.
    const ordered = table.metricsOf(container({ requests: { 'a.io/x': 1, 'b.io/y': 1 } }));
    const reversed = table.metricsOf(container({ requests: { 'b.io/y': 1, 'a.io/x': 1 } }));
    expect(reversed).not.toBe(ordered);
    expect([...reversed.keys()][0]).toBe('b.io/y/request');
    expect(table.size).toBe(5);
  });

  it('shares equal values between maps that differ', () => {
    const table = new ContainerMetricsTable();
    const first = table.metricsOf(container());
    const other = table.metricsOf(container({ restartCount: 7, limits: { memory: 100 } }));
    expect(other).not.toBe(first);
    expect(other.get(Metrics.cpuRequest.name)).toBe(first.get(Metrics.cpuRequest.name));
    expect(other.get(Metrics.memoryRequest.name)).toBe(first.get(Metrics.cpuLimit.name)); // both 0
    expect(other.get(Metrics.memoryLimit.name)?.value).toBe(100n);
  });

  it('drops the entries of maps nobody holds any more', async () => {
    const table = new ContainerMetricsTable();
    const kept = table.metricsOf(container());
    for (let restarts = 1; restarts <= 100; restarts++) table.metricsOf(container({ restartCount: restarts }));
    for (let attempt = 0; attempt < 50 && table.size > 1; attempt++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(table.size).toBe(1);
    expect(table.metricsOf(container())).toBe(kept);
  });
});
