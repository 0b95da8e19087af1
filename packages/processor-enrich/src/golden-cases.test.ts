/**
 * Golden enrichment cases: each folder under fixtures/ holds metadata.json (the informer cache), batch-1.json and
 * expected.json; the batch runs through pod_enricher → namespace_enricher → node_autoscaling_enricher.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  silentLogger,
  staticClusterMetadata,
  systemClock,
  type ClusterMetadata,
  type DiagnosticInput,
  type NamespaceInfo,
  type NodeInfo,
  type PodInfo,
  type Processor,
} from '@kubestats/core';
import { expectMetricValue, goldenCaseNames, keyReasons, loadJsonBatch } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { namespaceEnricherFactory } from './namespace-enricher-factory.js';
import { nodeAutoscalingEnricherFactory } from './node-autoscaling-enricher-factory.js';
import { podEnricherFactory } from './pod-enricher-factory.js';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Expected {
  options: { label_separator: string; ignore_label: string[]; store_label: string[] };
  diagnostics: { key: string; reason: string }[];
  sets: Record<string, { labels?: Record<string, string>; entityCreateTimeMs?: number; metrics?: Record<string, string | number | null> }>;
  absent: string[];
  unchanged: string[];
}

function loadMetadata(path: string): ClusterMetadata {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { nodes: NodeInfo[]; pods: PodInfo[]; namespaces: NamespaceInfo[] };
  return staticClusterMetadata(json);
}

const cases = goldenCaseNames(fixturesDir);

describe('enrichment golden cases', () => {
  it('includes the missing-metadata case', () => {
    expect(cases).toEqual(expect.arrayContaining(['missing-metadata', 'pod-enrichment']));
  });

  describe.each(cases)('%s', (name) => {
    it('matches expected.json', async () => {
      const dir = join(fixturesDir, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      const metadata = loadMetadata(join(dir, 'metadata.json'));
      const init = { target: undefined, logger: silentLogger, clock: systemClock, metadata };
      const chain: Processor[] = [
        podEnricherFactory.create({ ...init, config: expected.options }),
        namespaceEnricherFactory.create({ ...init, config: {} }),
        nodeAutoscalingEnricherFactory.create({ ...init, config: expected.options }),
      ];
      const input = loadJsonBatch(join(dir, 'batch-1.json'));
      let batch = input;
      const diagnostics: DiagnosticInput[] = [];
      for (const processor of chain) {
        const result = await processor.process(batch, new AbortController().signal);
        expect(result.failures).toEqual([]);
        diagnostics.push(...result.diagnostics);
        batch = result.batch;
      }
      expect(keyReasons(diagnostics)).toEqual(keyReasons(expected.diagnostics));
      for (const diagnostic of diagnostics) expect(diagnostic.stage).toBe('enrich');
      for (const [key, want] of Object.entries(expected.sets)) {
        const set = batch.metricSets.get(key);
        expect(set, key).toBeDefined();
        expect(set?.labels, key).toMatchObject(want.labels ?? {});
        if (want.entityCreateTimeMs !== undefined) expect(set?.entityCreateTimeMs, key).toBe(want.entityCreateTimeMs);
        for (const [metric, value] of Object.entries(want.metrics ?? {})) expectMetricValue(set?.metricValues.get(metric), value, `${key} ${metric}`);
      }
      for (const key of expected.absent) expect(batch.metricSets.has(key), key).toBe(false);
      for (const key of expected.unchanged) expect(batch.metricSets.get(key), key).toBe(input.metricSets.get(key));
    });
  });
});
