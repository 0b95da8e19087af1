/**
 * Every decoder builds its sets' labels with core's entity label builders, so each entity type has one key order
 * (one V8 hidden class) whichever payload it came from. The golden files sort keys and cannot see the order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  EntityTypes,
  LabelKeys,
  nodeLabelsOf,
  podContainerLabelsOf,
  podLabelsOf,
  systemContainerLabelsOf,
  type MetricSet,
} from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { decodeContainerStats } from './container-stats-decoder.js';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { decodeResourceMetrics } from './resource-metrics-decoder.js';
import { decodeSummary } from './summary-decoder.js';

const context: DecodeContext = { nodeName: 'n1', hostname: 'h1', hostId: 'id1', nowMs: Date.UTC(2030, 0, 1) };
const fixturesDir = new URL('./fixtures/', import.meta.url);

function decoderFor(file: string): (body: string, context: DecodeContext) => DecodeResult {
  if (file.endsWith('.prom')) return decodeResourceMetrics;
  return file.includes('stats-summary') ? decodeSummary : decodeContainerStats;
}

/** The labels the builders give a set with these label values; undefined for a type the builders do not cover. */
function builtLabels(labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> | undefined {
  const pod = {
    podName: labels[LabelKeys.podName] ?? '',
    namespace: labels[LabelKeys.namespaceName] ?? '',
    podId: labels[LabelKeys.podId] ?? '',
  };
  const containerName = labels[LabelKeys.containerName] ?? '';
  switch (labels[LabelKeys.type]) {
    case EntityTypes.node:
      return nodeLabelsOf(context);
    case EntityTypes.systemContainer:
      return systemContainerLabelsOf(context, containerName);
    case EntityTypes.pod:
      return podLabelsOf(context, pod);
    case EntityTypes.podContainer:
      return podContainerLabelsOf(context, pod, containerName, labels[LabelKeys.containerBaseImage]);
  }
  return undefined;
}

const files = readdirSync(fixturesDir).filter((file) => /\.(json|prom)$/.test(file) && !file.endsWith('.golden.json'));

describe('decoded labels', () => {
  it('cover every payload family', () => {
    const decoders = new Set(files.map(decoderFor));
    expect(decoders).toEqual(new Set([decodeSummary, decodeResourceMetrics, decodeContainerStats]));
  });

  it.each(files)('of %s have the builders’ keys, values and key order', (file) => {
    const sets: readonly MetricSet[] = decoderFor(file)(readFileSync(new URL(file, fixturesDir), 'utf8'), context).metricSets;
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) {
      const expected = builtLabels(set.labels);
      expect(expected, set.key).toBeDefined();
      expect(Object.entries(set.labels), set.key).toEqual(Object.entries(expected ?? {}));
    }
  });
});
