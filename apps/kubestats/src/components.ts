/**
 * THE one list of plugin factories: every source, processor and sink the app can build. Nothing else in the
 * monorepo knows them all; adding a sink is one line here plus the dependency in package.json.
 */
import type { ConfigSchema, PluginFactory, PluginKind, ProcessorFactory, SinkFactory, SourceFactory } from '@kubestats/core';
import {
  clusterAggregatorFactory,
  namespaceAggregatorFactory,
  nodeAggregatorFactory,
  podAggregatorFactory,
} from '@kubestats/processor-aggregate';
import { namespaceEnricherFactory, nodeAutoscalingEnricherFactory, podEnricherFactory } from '@kubestats/processor-enrich';
import { rateProcessorFactory } from '@kubestats/processor-rate';
import { influxdbSinkFactory } from '@kubestats/sink-influxdb';
import { kafkaSinkFactory } from '@kubestats/sink-kafka';
import { logSinkFactory } from '@kubestats/sink-log';
import { memorySinkFactory } from '@kubestats/sink-memory';
import { legacySourceFactory, resourceMetricsSourceFactory, summarySourceFactory } from '@kubestats/source-kubelet';

export const sourceFactories: readonly SourceFactory[] = [summarySourceFactory, legacySourceFactory, resourceMetricsSourceFactory];

/** In Heapster's order (metrics/heapster.go): each step reads what the previous ones wrote. */
export const processorFactories: readonly ProcessorFactory[] = [
  rateProcessorFactory,
  podEnricherFactory,
  namespaceEnricherFactory,
  podAggregatorFactory,
  namespaceAggregatorFactory,
  nodeAggregatorFactory,
  clusterAggregatorFactory,
  nodeAutoscalingEnricherFactory,
];

export const sinkFactories: readonly SinkFactory[] = [memorySinkFactory, logSinkFactory, influxdbSinkFactory, kafkaSinkFactory];

export type AnyFactory = PluginFactory<PluginKind, ConfigSchema, unknown>;

export const allFactories: readonly AnyFactory[] = [...sourceFactories, ...processorFactories, ...sinkFactories];

export function findFactory(kind: PluginKind, type: string): AnyFactory | undefined {
  return allFactories.find((factory) => factory.kind === kind && factory.type === type);
}

export function findSourceFactory(type: string): SourceFactory | undefined {
  return sourceFactories.find((factory) => factory.type === type);
}

export function findSinkFactory(type: string): SinkFactory | undefined {
  return sinkFactories.find((factory) => factory.type === type);
}

export function typesOf(kind: PluginKind): string[] {
  return allFactories.filter((factory) => factory.kind === kind).map((factory) => factory.type);
}
