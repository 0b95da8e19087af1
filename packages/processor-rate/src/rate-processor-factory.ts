/** The `rate` processor factory: options, defaults and documentation for the rate processor. */
import { defineSchema, type ProcessorFactory } from '@kubestats/core';
import { RateProcessor } from './rate-processor.js';

/** Start-time moves under a second are kubelet jitter (k/k #59524), not restarts. */
const startTimeToleranceMs = 1000;

export const rateConfigSchema = defineSchema({
  maxUnseenCycles: {
    type: 'int',
    min: 1,
    default: 3,
    description: 'A series unseen for this many consecutive cycles loses its previous sample (diagnostic series-evicted).',
  },
  freshContainerWindow: {
    type: 'duration',
    default: 60_000,
    description:
      'A pod or container first seen within this long of its start gets a rate after one scrape (counter since start); set it to the resolution. 0 disables.',
  },
});

export const rateProcessorFactory: ProcessorFactory<typeof rateConfigSchema> = {
  kind: 'processor',
  type: 'rate',
  description: 'Computes cpu/usage_rate and the other Heapster rates from cumulative counters, restart-safe, with per-series state.',
  configSchema: rateConfigSchema,
  create: (init) =>
    new RateProcessor({
      maxUnseenCycles: init.config.maxUnseenCycles,
      freshContainerWindowMs: init.config.freshContainerWindow,
      startTimeToleranceMs,
    }),
};
