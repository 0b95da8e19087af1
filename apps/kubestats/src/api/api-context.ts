/**
 * What the HTTP API reads: the memory sink's query interface, the cluster metadata, the diagnostics log and the
 * pipeline's health. Declared here as interfaces so the API is tested with small in-memory fakes.
 */
import type { ClusterMetadata, DataBatch, DiagnosticsLog, EntityType, MetricValue } from '@kubestats/core';
import type { PipelineHealth } from '@kubestats/pipeline';
import type { Registry } from 'prom-client';

export interface SeriesPoint {
  readonly timestampMs: number;
  readonly value: MetricValue;
}

/** The query side of @kubestats/sink-memory's MemorySink. */
export interface MetricsStore {
  latestBatch(): DataBatch | undefined;
  batches(): readonly DataBatch[];
  series(
    key: string,
    metricName: string,
    range?: { startMs?: number; endMs?: number },
    labels?: Readonly<Record<string, string>>,
  ): readonly SeriesPoint[];
  keys(filter?: { type?: EntityType; namespace?: string; nodeName?: string }): string[];
  metricNames(key: string): string[];
}

export interface ApiContext {
  readonly store: MetricsStore;
  readonly metadata: ClusterMetadata | undefined;
  readonly diagnostics: DiagnosticsLog;
  readonly health: () => PipelineHealth;
  readonly registry: Registry;
  readonly resolutionMs: number;
  readonly now: () => number;
}
