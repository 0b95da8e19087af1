import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { podKey, type MetricSet, type Processor, type Source } from '@kubestats/core';
import { FakeClock } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { createPipeline } from './pipeline.js';
import { podSetOf } from './test-support/fake-components.js';

// A full GC on demand, to see what the cycle still references.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const nextMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('what a cycle keeps alive', () => {
  it('lets the scraped batch go once the first processor has replaced it', async () => {
    let scraped: WeakRef<Map<string, MetricSet>> | undefined;
    let scrapedAliveInLastProcessor: boolean | undefined;
    const source: Source = {
      name: 'source/one',
      scrape: (window) => {
        const metricSets = new Map([[podKey('default', 'a'), podSetOf('a')]]);
        scraped = new WeakRef(metricSets);
        return Promise.resolve({ batch: { timestampMs: window.endMs, metricSets }, failures: [], diagnostics: [] });
      },
    };
    const replacing: Processor = {
      name: 'processor/replacing',
      process: (batch) =>
        Promise.resolve({ batch: { timestampMs: batch.timestampMs, metricSets: new Map(batch.metricSets) }, failures: [], diagnostics: [] }),
    };
    const checking: Processor = {
      name: 'processor/checking',
      process: async (batch) => {
        // A WeakRef stays alive until the job that made or read it ends: collect in a later one.
        await nextMacrotask();
        collectGarbage();
        scrapedAliveInLastProcessor = scraped?.deref() !== undefined;
        return { batch, failures: [], diagnostics: [] };
      },
    };
    const pipeline = createPipeline({
      sources: [source],
      processors: [replacing, checking],
      sinks: [],
      resolutionMs: 60_000,
      clock: new FakeClock(Date.parse('2026-01-01T12:00:03Z')),
    });
    const report = await pipeline.runOnce();
    expect(report.batch.metricSets.size).toBe(1);
    expect(scrapedAliveInLastProcessor).toBe(false);
    await pipeline.stop();
  });
});
