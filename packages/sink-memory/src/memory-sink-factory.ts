/** The `memory` sink factory: options schema and creation of the MemorySink the HTTP APIs query. */
import { defineSchema, Metrics, type PluginFactory } from '@kubestats/core';
import { MemorySink } from './memory-sink.js';

export const memorySinkSchema = defineSchema({
  shortWindow: {
    type: 'duration',
    default: 140_000,
    minMs: 1,
    description: 'How long whole batches are kept for latest-value, labeled and short-range queries.',
  },
  longWindow: {
    type: 'duration',
    default: 900_000,
    minMs: 1,
    description: 'How long the series of longWindowMetrics are kept.',
  },
  longWindowMetrics: {
    type: 'list',
    default: [Metrics.cpuUsageRate.name, Metrics.memoryUsage.name, Metrics.memoryWorkingSet.name],
    description: 'Metrics kept as per-entity series over the long window.',
  },
  maxBatches: {
    type: 'int',
    default: 60,
    min: 1,
    description: 'Hard cap on batches in the short window, whatever their age.',
  },
  maxSeriesPoints: {
    type: 'int',
    default: 900,
    min: 1,
    description: 'Hard cap on points per long-window series (900 = 15 minutes at a 1 s resolution).',
  },
});

export const memorySinkFactory: PluginFactory<'sink', typeof memorySinkSchema, MemorySink> = {
  kind: 'sink',
  type: 'memory',
  description: 'Keeps recent batches and 15-minute key series in memory; the store behind the metrics APIs.',
  configSchema: memorySinkSchema,
  create: (init) =>
    new MemorySink(
      {
        shortWindowMs: init.config.shortWindow,
        longWindowMs: init.config.longWindow,
        longWindowMetrics: init.config.longWindowMetrics,
        maxBatches: init.config.maxBatches,
        maxSeriesPoints: init.config.maxSeriesPoints,
      },
      init.clock,
    ),
};
