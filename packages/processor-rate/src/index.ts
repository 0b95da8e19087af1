/** @kubestats/processor-rate: restart-safe rates from cumulative counters, with per-series state. */
export { evaluateSample, rateValue, type CounterSample, type RateOptions, type RateOutcome } from './counter-rate.js';
export { RateProcessor, type RateProcessorOptions } from './rate-processor.js';
export { rateConfigSchema, rateProcessorFactory } from './rate-processor-factory.js';
