/**
 * The kubestats process under test, composed as the app composes it (apps/kubestats/src/compose.ts): the kubelet
 * source for the chosen endpoint, cluster metadata from the sim's apiserver (or a static kubelet list), every
 * processor in Heapster's order, and the memory sink, in one pipeline driven by runOnce(). Each component is wrapped
 * so the cycle's CPU splits into scrape, each processor, and export.
 */
import {
  parseOptions,
  silentLogger,
  type ClusterMetadata,
  type ConfigSchema,
  type PluginFactory,
  type ProcessorFactory,
  type SourceFactory,
} from '@kubestats/core';
import { createKubeMetadata, type KubeMetadata } from '@kubestats/kube-metadata';
import { createPipeline, type Pipeline } from '@kubestats/pipeline';
import {
  clusterAggregatorFactory,
  namespaceAggregatorFactory,
  nodeAggregatorFactory,
  podAggregatorFactory,
} from '@kubestats/processor-aggregate';
import { namespaceEnricherFactory, nodeAutoscalingEnricherFactory, podEnricherFactory } from '@kubestats/processor-enrich';
import { rateProcessorFactory } from '@kubestats/processor-rate';
import { memorySinkFactory, type MemorySink } from '@kubestats/sink-memory';
import {
  containerStatsEndpoint,
  legacySourceFactory,
  resourceMetricsEndpoint,
  resourceMetricsSourceFactory,
  summaryEndpoint,
  summarySourceFactory,
  type KubeletEndpoint,
} from '@kubestats/source-kubelet';
import type { SimKubeletEndpoint } from 'kubelet-sim';
import type { OffsetClock } from './bench-clock.js';
import { StageLedger, TimedSink, timedProcessor, timedSource } from './timed-components.js';

export type BenchEndpoint = 'summary' | 'resource' | 'container';
export const benchEndpoints: readonly BenchEndpoint[] = ['summary', 'resource', 'container'];

/** How the source finds the kubelets: the sim's apiserver (as in a cluster), or a static host:port list. */
export type Discovery = 'apiserver' | 'static';
export const discoveries: readonly Discovery[] = ['apiserver', 'static'];

export const sourceFactoryOf: Readonly<Record<BenchEndpoint, SourceFactory>> = {
  summary: summarySourceFactory,
  resource: resourceMetricsSourceFactory,
  container: legacySourceFactory,
};

export const kubeletEndpointOf: Readonly<Record<BenchEndpoint, KubeletEndpoint>> = {
  summary: summaryEndpoint,
  resource: resourceMetricsEndpoint,
  container: containerStatsEndpoint,
};

/** In Heapster's order (metrics/heapster.go), the same list as apps/kubestats/src/components.ts (a test pins it). */
export const heapsterProcessorOrder: readonly ProcessorFactory[] = [
  rateProcessorFactory,
  podEnricherFactory,
  namespaceEnricherFactory,
  podAggregatorFactory,
  namespaceAggregatorFactory,
  nodeAggregatorFactory,
  clusterAggregatorFactory,
  nodeAutoscalingEnricherFactory,
];

export interface KubestatsUnderTestOptions {
  readonly endpoint: BenchEndpoint;
  readonly discovery: Discovery;
  readonly apiServerUrl: string;
  readonly kubelets: readonly SimKubeletEndpoint[];
  readonly resolutionMs: number;
  /** Kubelets scraped at once (the source's `concurrency`). */
  readonly concurrency: number;
  /** Per-kubelet timeout (the source's `timeoutMs`). */
  readonly kubeletTimeoutMs: number;
  readonly clock: OffsetClock;
  /** The pipeline's scrapeTimeoutMs; undefined keeps its default (half the resolution, at most 20 s). */
  readonly scrapeTimeoutMs?: number | undefined;
  /** The memory sink's shortWindow; undefined keeps its default (Heapster's 140 s). */
  readonly memoryShortWindowMs?: number | undefined;
}

export interface KubestatsUnderTest {
  readonly pipeline: Pipeline;
  readonly memory: MemorySink;
  readonly sink: TimedSink;
  readonly ledger: StageLedger;
  readonly metadata: KubeMetadata | undefined;
  /** Syncs the metadata (apiserver discovery) and starts every component. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function configOf<S extends ConfigSchema>(factory: PluginFactory<'source' | 'processor' | 'sink', S, unknown>, raw: Record<string, unknown>): never {
  const declared = Object.fromEntries(Object.entries(raw).filter(([name]) => Object.hasOwn(factory.configSchema, name)));
  const parsed = parseOptions(factory.configSchema, declared, `${factory.kind} ${factory.type}: `);
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
  // Each factory gets the config of its own schema; the cast only bridges the heterogeneous list.
  return parsed.config as never;
}

export function composeKubestatsUnderTest(options: KubestatsUnderTestOptions): KubestatsUnderTest {
  const { clock } = options;
  const ledger = new StageLedger();
  const metadata =
    options.discovery === 'apiserver'
      ? createKubeMetadata({ apiServerUrl: options.apiServerUrl, inClusterConfig: false, clock, logger: silentLogger })
      : undefined;
  const clusterMetadata: ClusterMetadata | undefined = metadata;
  const sourceFactory = sourceFactoryOf[options.endpoint];
  const sourceOptions: Record<string, unknown> = {
    inClusterConfig: false,
    concurrency: options.concurrency,
    timeoutMs: options.kubeletTimeoutMs,
    ...(options.discovery === 'static'
      ? { kubelets: options.kubelets.map((kubelet) => `${kubelet.host}:${kubelet.port}`) }
      : { useNodeStatusPort: true }),
  };
  const source = sourceFactory.create({
    config: configOf(sourceFactory, sourceOptions),
    target: options.discovery === 'apiserver' ? options.apiServerUrl : undefined,
    logger: silentLogger,
    clock,
    metadata: clusterMetadata,
  });
  // The app hands every processor that declares it a fresh-container window of one resolution; so does the bench.
  const appOptions = { freshContainerWindow: options.resolutionMs };
  const processors = heapsterProcessorOrder.map((factory) =>
    timedProcessor(
      factory.create({ config: configOf(factory, appOptions), target: undefined, logger: silentLogger, clock, metadata: clusterMetadata }),
      ledger,
    ),
  );
  const memory = memorySinkFactory.create({
    config: configOf(memorySinkFactory, options.memoryShortWindowMs === undefined ? {} : { shortWindow: options.memoryShortWindowMs }),
    target: undefined,
    logger: silentLogger,
    clock,
    metadata: clusterMetadata,
  });
  const sink = new TimedSink(memory, ledger);
  const pipeline = createPipeline({
    sources: [timedSource(source, ledger)],
    processors,
    sinks: [{ sink }],
    resolutionMs: options.resolutionMs,
    ...(options.scrapeTimeoutMs === undefined ? {} : { scrapeTimeoutMs: options.scrapeTimeoutMs }),
    clock,
    logger: silentLogger,
  });
  const lifetime = new AbortController();
  return {
    pipeline,
    memory,
    sink,
    ledger,
    metadata,
    async start() {
      await metadata?.start(lifetime.signal);
    },
    async stop() {
      try {
        await pipeline.stop();
      } finally {
        lifetime.abort(new Error('bench stopping'));
        await metadata?.stop();
      }
    },
  };
}
