/** The `log` sink factory: writes batches to the app's logger, for debugging. */
import { defineSchema, type PluginFactory } from '@kubestats/core';
import { LogSink } from './log-sink.js';

export const logSinkSchema = defineSchema({
  points: {
    type: 'boolean',
    default: false,
    description: 'Log every metric set at info instead of debug.',
  },
});

export const logSinkFactory: PluginFactory<'sink', typeof logSinkSchema, LogSink> = {
  kind: 'sink',
  type: 'log',
  description: 'Logs a summary line per batch (info) and a line per metric set (debug), for debugging.',
  configSchema: logSinkSchema,
  create: (init) => new LogSink({ points: init.config.points }, init.logger.child({ component: 'sink/log' })),
};
