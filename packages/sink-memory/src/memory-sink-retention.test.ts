import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Metrics, parseOptions, silentLogger, type DataBatch } from '@kubestats/core';
import { buildBatch, FakeClock, nodeSet, podContainerSet } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { memorySinkFactory, memorySinkSchema } from './memory-sink-factory.js';

// A full GC on demand, to see what the sink still references.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const nextMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function exportedBatch(): DataBatch {
  return buildBatch(T0, [
    nodeSet({ node: 'n1', metrics: { [Metrics.cpuUsageRate.name]: 250n, [Metrics.memoryWorkingSet.name]: 4096n } }),
    podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', node: 'n1', metrics: { [Metrics.cpuUsageRate.name]: 120n } }),
  ]);
}

describe('what the memory sink keeps alive', () => {
  it('does not keep the exported batch objects, and serves the same latest batch rebuilt from its columns', async () => {
    const parsed = parseOptions(memorySinkSchema, {});
    if (!parsed.ok) throw new Error('default options rejected');
    const sink = memorySinkFactory.create({ config: parsed.config, target: undefined, logger: silentLogger, clock: new FakeClock(T0), metadata: undefined });
    let exported: WeakRef<DataBatch> | undefined;
    await (async () => {
      const batch = exportedBatch();
      exported = new WeakRef(batch);
      await sink.export(batch, new AbortController().signal);
      expect(sink.latestBatch()).toBe(batch); // while it lives, queries read it as exported
    })();

    // A WeakRef target lives until the job that made or read it ends: collect in a later one.
    await nextMacrotask();
    collectGarbage();
    expect(exported?.deref()).toBeUndefined();

    const rebuilt = sink.latestBatch();
    expect(rebuilt).toEqual(exportedBatch());
    expect(sink.latestBatch()).toBe(rebuilt); // rebuilt once, not per query
  });
});
