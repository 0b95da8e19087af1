/**
 * Golden outputs: every payload family in fixtures/ decoded and rendered as stable JSON beside it
 * (`<fixture>.golden.json`). `UPDATE_GOLDEN=1 npx vitest run src/decode/golden.test.ts` rewrites them; review the
 * diff by hand. Hand-checked values are pinned in decoders.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeContainerStats } from './container-stats-decoder.js';
import type { DecodeContext, DecodeResult } from './decode-context.js';
import { decodeResultToJson } from './decode-result-json.js';
import { decodeResourceMetrics } from './resource-metrics-decoder.js';
import { decodeSummary } from './summary-decoder.js';

export const fixtureContext: DecodeContext = {
  nodeName: 'fixture-node',
  hostname: 'fixture-host',
  hostId: 'fixture-host-id',
  nowMs: Date.UTC(2030, 0, 1),
};

const fixturesDir = new URL('./fixtures/', import.meta.url);

const cases: ReadonlyArray<readonly [string, (body: string, context: DecodeContext) => DecodeResult]> = [
  ['beats-gke-2017-stats-summary-trimmed.json', decodeSummary],
  ['datadog-integrations-core-eks-windows-2020-04-stats-summary.json', decodeSummary],
  ['datadog-integrations-core-gke-2019-11-stats-summary.json', decodeSummary],
  ['nri-kubernetes-k8s-1.16-stats-summary.json', decodeSummary],
  ['nri-kubernetes-k8s-1.20-stats-summary.json', decodeSummary],
  ['nri-kubernetes-k8s-1.24-stats-summary.json', decodeSummary],
  ['nri-kubernetes-k8s-1.28-stats-summary.json', decodeSummary],
  ['nri-kubernetes-k8s-1.35-stats-summary.json', decodeSummary],
  ['nri-kubernetes-minikube-2018-stats-summary.json', decodeSummary],
  ['splunk-fluent-kubernetes-metrics-eks-2018-stats-summary-trimmed.json', decodeSummary],
  ['aws-otel-collector-eks-2019-container-containerinfo-map.json', decodeContainerStats],
  ['aws-otel-collector-eks-2021-node-root-containerinfo-map-prev.json', decodeContainerStats],
  ['aws-otel-collector-eks-2021-node-root-containerinfo-map-cur.json', decodeContainerStats],
  ['dd-agent-gce-k8s-1.1-2015-10-cadvisor-api-v1.3-subcontainers.json', decodeContainerStats],
  ['dd-agent-gke-k8s-1.2-2016-04-cadvisor-api-v1.3-subcontainers.json', decodeContainerStats],
  ['dd-agent-k8s-1.2-2016-06-cadvisor-api-v1.3-subcontainers.json', decodeContainerStats],
  ['splunk-fluent-kubernetes-metrics-2018-kubelet-stats-root.json', decodeContainerStats],
  ['seed-article-stats-container-scrape-1.json', decodeContainerStats],
  ['seed-article-stats-container-scrape-2.json', decodeContainerStats],
  ['invented-kubepods-slice-duplicate-stats-container.json', decodeContainerStats],
  ['metrics-server-kind-2021-10-metrics-resource.prom', decodeResourceMetrics],
  ['datadog-integrations-core-gke-2018-02-pre1.16-labels-metrics-cadvisor.prom', decodeResourceMetrics],
  ['nri-kubernetes-minikube-2018-pre1.16-labels-metrics-cadvisor.prom', decodeResourceMetrics],
  ['splunk-fluent-kubernetes-metrics-kops-2018-pre1.16-labels-metrics-cadvisor.prom', decodeResourceMetrics],
  ['nri-kubernetes-k8s-1.16-docker-metrics-cadvisor.prom', decodeResourceMetrics],
  ['nri-kubernetes-k8s-1.24-containerd-metrics-cadvisor.prom', decodeResourceMetrics],
  ['nri-kubernetes-k8s-1.35-containerd-metrics-cadvisor.prom', decodeResourceMetrics],
];

describe('golden decode outputs', () => {
  for (const [file, decode] of cases) {
    it(`${file} decodes to ${file.replace(/\.(json|prom)$/, '')}.golden.json`, () => {
      const body = readFileSync(new URL(file, fixturesDir), 'utf8');
      const actual = decodeResultToJson(decode(body, fixtureContext));
      const goldenUrl = new URL(`${file.replace(/\.(json|prom)$/, '')}.golden.json`, fixturesDir);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenUrl)) {
        if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing golden file for ${file}: run with UPDATE_GOLDEN=1`);
        writeFileSync(goldenUrl, actual);
      }
      expect(actual).toBe(readFileSync(goldenUrl, 'utf8'));
    });
  }
});
