/**
 * The real kubelet bodies the decoder fuzzing mutates: a handful of the decoders' own fixtures (real payloads from
 * public repositories, see packages/source-kubelet/src/decode/fixtures/README.md and the shared PROVENANCE.md), read
 * in place so the fuzz corpus always matches what the decoders are tested against.
 */
import { readFileSync } from 'node:fs';

export type DecoderName = 'summary' | 'resource-metrics' | 'container-stats';

export interface SeedInput {
  readonly name: string;
  readonly decoder: DecoderName;
  readonly body: string;
}

const fixturesDirectory = new URL('../../../../packages/source-kubelet/src/decode/fixtures/', import.meta.url);

/** Small enough to mutate thousands of times a second, covering every schema generation the decoders accept. */
/** [file, decoder, keep: first N lines of Prometheus text or first N items of a JSON array]. */
const seedFiles: readonly (readonly [string, DecoderName, number?])[] = [
  ['beats-gke-2017-stats-summary-trimmed.json', 'summary'],
  ['splunk-fluent-kubernetes-metrics-eks-2018-stats-summary-trimmed.json', 'summary'],
  ['datadog-integrations-core-eks-windows-2020-04-stats-summary.json', 'summary'],
  ['nri-kubernetes-k8s-1.28-stats-summary.json', 'summary'],
  ['metrics-server-kind-2021-10-metrics-resource.prom', 'resource-metrics'],
  // The first 400 lines of a /metrics/cadvisor body: enough families and containers, 40x faster to decode.
  ['nri-kubernetes-k8s-1.35-containerd-metrics-cadvisor.prom', 'resource-metrics', 400],
  ['aws-otel-collector-eks-2019-container-containerinfo-map.json', 'container-stats'],
  ['seed-article-stats-container-scrape-1.json', 'container-stats'],
  ['invented-kubepods-slice-duplicate-stats-container.json', 'container-stats'],
  // The first 6 containers of a cAdvisor /api/v1.3/subcontainers array (the whole body is 190 KB).
  ['dd-agent-k8s-1.2-2016-06-cadvisor-api-v1.3-subcontainers.json', 'container-stats', 6],
];

export function loadSeedCorpus(): SeedInput[] {
  return seedFiles.map(([name, decoder, keep]) => {
    const text = readFileSync(new URL(name, fixturesDirectory), 'utf8');
    if (keep === undefined) return { name, decoder, body: text };
    if (name.endsWith('.prom')) return { name: `${name} (first ${keep} lines)`, decoder, body: `${text.split('\n').slice(0, keep).join('\n')}\n` };
    const items = JSON.parse(text) as unknown[];
    return { name: `${name} (first ${keep} items)`, decoder, body: JSON.stringify(items.slice(0, keep), null, 1) };
  });
}
