import { parseOptions, systemClock, type LogFn, type Logger } from '@kubestats/core';
import { buildBatch, factoryContract, nodeSet, podContainerSet, sampleBatch, sinkContract } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { logSinkFactory, logSinkSchema } from './log-sink-factory.js';
import type { LogSink } from './log-sink.js';

interface Line {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
  readonly bindings: Record<string, unknown>;
}

/** Core's Logger, recording lines; `enabled` mimics pino's level check when given. */
class CapturingLogger implements Logger {
  readonly lines: Line[];
  readonly #bindings: Record<string, unknown>;
  readonly #enabled: ReadonlySet<string> | undefined;
  readonly isLevelEnabled: ((level: string) => boolean) | undefined;

  constructor(enabled?: readonly string[], lines: Line[] = [], bindings: Record<string, unknown> = {}) {
    this.lines = lines;
    this.#bindings = bindings;
    this.#enabled = enabled ? new Set(enabled) : undefined;
    this.isLevelEnabled = enabled ? (level) => this.#enabled?.has(level) ?? true : undefined;
  }

  #log(level: string): LogFn {
    return ((fieldsOrMessage: object | string, message?: string) => {
      if (this.#enabled && !this.#enabled.has(level)) return;
      const line =
        typeof fieldsOrMessage === 'string'
          ? { level, fields: {}, message: fieldsOrMessage, bindings: this.#bindings }
          : { level, fields: fieldsOrMessage as Record<string, unknown>, message, bindings: this.#bindings };
      // Round-trip through JSON as pino would: a bigint in the fields makes this throw.
      JSON.stringify(line.fields);
      this.lines.push(line);
    });
  }

  readonly debug = this.#log('debug');
  readonly info = this.#log('info');
  readonly warn = this.#log('warn');
  readonly error = this.#log('error');

  child(bindings: Record<string, unknown>): Logger {
    return new CapturingLogger(this.#enabled ? [...this.#enabled] : undefined, this.lines, { ...this.#bindings, ...bindings });
  }
}

function createSink(logger: Logger, options: Record<string, unknown> = {}): LogSink {
  const parsed = parseOptions(logSinkSchema, options);
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('; '));
  return logSinkFactory.create({ config: parsed.config, target: undefined, logger, clock: systemClock, metadata: undefined });
}

const live = () => new AbortController().signal;
const T = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('LogSink', () => {
  it('logs one summary line per batch at info with set, point and per-type counts', async () => {
    const logger = new CapturingLogger();
    const result = await createSink(logger).export(sampleBatch(T), live());
    expect(result).toEqual({ pointsWritten: 13, pointsRejected: 0, failures: [] });
    const summary = logger.lines.filter((line) => line.level === 'info');
    expect(summary).toEqual([
      {
        level: 'info',
        message: 'data batch',
        bindings: { component: 'sink/log' },
        fields: {
          timestamp: '2026-01-01T12:00:00.000Z',
          sets: 4,
          points: 13,
          setsByType: { node: 1, pod: 1, pod_container: 1, sys_container: 1 },
        },
      },
    ]);
  });

  it('logs one debug line per set in key order, labels and metrics sorted, bigints as strings', async () => {
    const logger = new CapturingLogger();
    const batch = buildBatch(T, [
      podContainerSet({
        namespace: 'prod',
        pod: 'web-1',
        container: 'web',
        node: 'n1',
        startMs: T - 60_000,
        scrapeMs: T - 5_000,
        metrics: { 'memory/usage': 5n, 'cpu/usage': 9_007_199_254_740_993n, 'cpu/node_utilization': 0.5 },
      }),
      nodeSet({
        node: 'n1',
        labeledMetrics: [
          { name: 'filesystem/usage', labels: { resource_id: '/var' }, value: 2n },
          { name: 'filesystem/usage', labels: { resource_id: '/' }, value: 1n },
        ],
      }),
    ]);
    await createSink(logger).export(batch, live());
    const sets = logger.lines.filter((line) => line.level === 'debug');
    expect(sets.map((line) => line.fields.key)).toEqual(['namespace:prod/pod:web-1/container:web', 'node:n1']);
    expect(sets.every((line) => line.message === 'metric set')).toBe(true);
    const container = sets[0]!.fields;
    expect(container).toEqual({
      key: 'namespace:prod/pod:web-1/container:web',
      scrapeTime: '2026-01-01T11:59:55.000Z',
      collectionStartTime: '2026-01-01T11:59:00.000Z',
      createTime: '2026-01-01T11:59:00.000Z',
      labels: { container_name: 'web', hostname: 'n1', namespace_name: 'prod', nodename: 'n1', pod_name: 'web-1', type: 'pod_container' },
      metrics: { 'cpu/node_utilization': 0.5, 'cpu/usage': '9007199254740993', 'memory/usage': '5' },
      labeledMetrics: [],
    });
    expect(Object.keys(container.labels as object)).toEqual(['container_name', 'hostname', 'namespace_name', 'nodename', 'pod_name', 'type']);
    expect(Object.keys(container.metrics as object)).toEqual(['cpu/node_utilization', 'cpu/usage', 'memory/usage']);
    expect(sets[1]!.fields.labeledMetrics).toEqual([
      { name: 'filesystem/usage', labels: { resource_id: '/' }, value: '1' },
      { name: 'filesystem/usage', labels: { resource_id: '/var' }, value: '2' },
    ]);
    expect(sets[1]!.fields.scrapeTime).toBeUndefined();
  });

  it('logs the sets at info with points=true', async () => {
    const logger = new CapturingLogger();
    await createSink(logger, { points: 'true' }).export(sampleBatch(T), live());
    expect(logger.lines.map((line) => `${line.level} ${line.message}`)).toEqual(['info data batch', ...Array<string>(4).fill('info metric set')]);
  });

  it('skips building set lines when the level is disabled', async () => {
    const logger = new CapturingLogger(['info', 'warn', 'error']);
    await createSink(logger).export(sampleBatch(T), live());
    expect(logger.lines.map((line) => line.message)).toEqual(['data batch']);
  });

  it('rejects with the reason of an aborted signal and logs nothing', async () => {
    const logger = new CapturingLogger();
    const controller = new AbortController();
    controller.abort(new Error('stopping'));
    await expect(createSink(logger).export(sampleBatch(T), controller.signal)).rejects.toThrow('stopping');
    expect(logger.lines).toEqual([]);
  });
});

factoryContract(logSinkFactory);
sinkContract({ name: 'sink/log', create: () => createSink(new CapturingLogger()) });
