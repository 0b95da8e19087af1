import {
  abortReason,
  cleanResult,
  defineSchema,
  intValue,
  withChanges,
  type DataBatch,
  type MetricValue,
  type ProcessResult,
  type Processor,
  type ProcessorFactory,
  type SinkFactory,
  type Source,
} from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import {
  checkBatchResultWellFormed,
  checkExportResultWellFormed,
  checkFactory,
  checkFailuresWellFormed,
  checkInputNotMutated,
  checkName,
  checkRejectsWhenAborted,
  checkStopIdempotent,
  ContractViolation,
} from './contract-checks.js';
import { factoryContract, processorContract, sourceContract } from './contract-suites.js';
import { buildBatch, nodeSet } from './metric-set-builders.js';
import { RecordingSink } from './recording-sink.js';
import { sampleBatch } from './sample-batch.js';

const live = () => new AbortController().signal;

/** A well-behaved processor: adds a metric to node sets by copying them. */
const goodProcessor = (): Processor => ({
  name: 'processor/good',
  process: (batch, signal) => {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const sets = [...batch.metricSets.values()].map((set) =>
      withChanges(set, { metricValues: new Map([...set.metricValues, ['custom/seen', intValue(1n)]]) }),
    );
    return Promise.resolve(cleanResult({ timestampMs: batch.timestampMs, metricSets: new Map(sets.map((set) => [set.key, set])) }));
  },
});

/** Writes into the input set's Map instead of copying. */
const mutatingProcessor = (): Processor => ({
  name: 'processor/mutating',
  process: (batch) => {
    for (const set of batch.metricSets.values()) (set.metricValues as Map<string, MetricValue>).set('custom/seen', intValue(1n));
    return Promise.resolve(cleanResult(batch));
  },
});

describe('checkInputNotMutated', () => {
  it('passes a processor that copies', async () => {
    const processor = goodProcessor();
    await expect(checkInputNotMutated(processor.name, sampleBatch(), (batch) => processor.process(batch, live()))).resolves.toBeDefined();
  });

  it('fails a processor that writes into the input, naming the path', async () => {
    const processor = mutatingProcessor();
    const check = checkInputNotMutated(processor.name, sampleBatch(), (batch) => processor.process(batch, live()));
    await expect(check).rejects.toBeInstanceOf(ContractViolation);
    await expect(checkInputNotMutated(processor.name, sampleBatch(), (batch) => processor.process(batch, live()))).rejects.toThrow(
      /processor\/mutating: mutated its input batch \(batch\.metricSets\["node:node-1"\]\.metricValues\["custom\/seen"\]: was added\)/,
    );
  });
});

describe('checkRejectsWhenAborted', () => {
  it("passes a call that rejects with the signal's reason, or an error caused by it", async () => {
    await checkRejectsWhenAborted('good', (signal) => Promise.reject(abortReason(signal)));
    await checkRejectsWhenAborted('wrapping', async (signal) => {
      await Promise.resolve();
      throw new Error('wrapped', { cause: abortReason(signal) });
    });
  });

  it('fails a call that hangs, resolves, throws synchronously or rejects with another error', async () => {
    await expect(checkRejectsWhenAborted('hangs', () => new Promise(() => undefined), { turns: 5 })).rejects.toThrow(
      /hangs: did not settle within 5 event-loop turns/,
    );
    await expect(checkRejectsWhenAborted('resolves', () => Promise.resolve(1))).rejects.toThrow(/resolves: resolved despite/);
    await expect(
      checkRejectsWhenAborted('throws', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow(/throws: threw synchronously/);
    await expect(checkRejectsWhenAborted('other', () => Promise.reject(new Error('boom')))).rejects.toThrow(/other: rejected with Error: boom/);
  });

  it('fails a hanging sink that ignores the signal', async () => {
    const sink = new RecordingSink();
    const ignoring = { ...sink, name: 'sink/deaf', export: () => new Promise<never>(() => undefined) };
    await expect(checkRejectsWhenAborted(ignoring.name, () => ignoring.export(), { turns: 3 })).rejects.toThrow(/sink\/deaf/);
  });
});

describe('checkFailuresWellFormed', () => {
  it('accepts reasons from the vocabulary with a key and a detail', () => {
    checkFailuresWellFormed('ok', {
      failures: [{ key: 'node:n1', reason: 'scrape-timeout', detail: 'kubelet 10.0.0.7:10250: timeout after 10000 ms', node: 'n1' }],
      diagnostics: [{ key: 'namespace:a/pod:b', stage: 'rate', reason: 'first-sample', detail: 'cpu/usage' }],
    });
  });

  it('rejects an unknown reason, an empty key or detail and an unknown stage', () => {
    const bad = (failure: object) => () => checkFailuresWellFormed('p', { failures: [failure as never] });
    expect(bad({ key: 'k', reason: 'timeout', detail: 'd' })).toThrow(/failures\[0\]\.reason "timeout" is not in core's diagnostic vocabulary/);
    expect(bad({ key: '', reason: 'scrape-timeout', detail: 'd' })).toThrow(/failures\[0\]\.key must be a non-empty string/);
    expect(bad({ key: 'k', reason: 'scrape-timeout', detail: ' ' })).toThrow(/failures\[0\]\.detail/);
    expect(() =>
      checkFailuresWellFormed('p', { failures: [], diagnostics: [{ key: 'k', stage: 'somewhere' as never, reason: 'first-sample', detail: 'd' }] }),
    ).toThrow(/diagnostics\[0\]\.stage "somewhere"/);
  });
});

describe('result shape checks', () => {
  it('reject an int value held as a number, a set under a foreign key and NaN floats', () => {
    const withValue = (value: unknown): ProcessResult =>
      cleanResult(buildBatch(1, [nodeSet({ node: 'n', metrics: { 'memory/usage': value as MetricValue } })]));
    expect(() => checkBatchResultWellFormed('p', withValue({ kind: 'int', type: 'gauge', value: 5 }))).toThrow(/must be a bigint/);
    expect(() => checkBatchResultWellFormed('p', withValue({ kind: 'float', type: 'gauge', value: Number.NaN }))).toThrow(/finite number/);
    const set = nodeSet({ node: 'n' });
    const foreign: DataBatch = { timestampMs: 1, metricSets: new Map([['node:other', set]]) };
    expect(() => checkBatchResultWellFormed('p', cleanResult(foreign))).toThrow(/a set is keyed by its own key/);
    checkBatchResultWellFormed('p', cleanResult(sampleBatch()));
  });

  it('export results need non-negative integer counts and a failure for rejected points', () => {
    expect(() => checkExportResultWellFormed('s', { pointsWritten: -1, pointsRejected: 0, failures: [] })).toThrow(/pointsWritten/);
    expect(() => checkExportResultWellFormed('s', { pointsWritten: 0, pointsRejected: 3, failures: [] })).toThrow(/rejected points must come with a failure/);
    checkExportResultWellFormed('s', { pointsWritten: 3, pointsRejected: 0, failures: [] });
  });
});

describe('lifecycle checks', () => {
  it('name must be non-empty', () => {
    expect(() => checkName({ name: '' })).toThrow(ContractViolation);
    checkName({ name: 'sink/x' });
  });

  it('stop() must be safe twice without start()', async () => {
    let stopped = false;
    const once = {
      name: 'sink/once',
      stop: () => {
        if (stopped) return Promise.reject(new Error('already stopped'));
        stopped = true;
        return Promise.resolve();
      },
    };
    await expect(checkStopIdempotent(once)).rejects.toThrow(/sink\/once: second stop\(\) without start\(\) rejected/);
    await checkStopIdempotent({ name: 'no-stop' });
  });
});

describe('checkFactory', () => {
  const schema = defineSchema({ db: { type: 'string', default: 'k8s', description: 'Database name.' } });
  const goodFactory: SinkFactory<typeof schema> = {
    kind: 'sink',
    type: 'recording',
    description: 'Records batches.',
    configSchema: schema,
    create: () => new RecordingSink(),
  };

  it('passes a synchronous, I/O-free factory', () => {
    checkFactory(goodFactory);
  });

  it('fails undescribed options, missing required options, fetch, timers and async create()', () => {
    const undescribed = defineSchema({ db: { type: 'string', default: 'k8s', description: '' } });
    expect(() => checkFactory({ ...goodFactory, configSchema: undescribed })).toThrow(/option db needs a description/);
    const required = defineSchema({ brokers: { type: 'list', required: true, description: 'Brokers.' } });
    const requiring: SinkFactory<typeof required> = { ...goodFactory, configSchema: required, create: () => new RecordingSink() };
    expect(() => checkFactory(requiring)).toThrow(/brokers: is required/);
    checkFactory(requiring, { options: { brokers: 'h:9092' } });
    expect(() =>
      checkFactory({
        ...goodFactory,
        create: () => {
          void fetch('http://127.0.0.1:1/').catch(() => undefined);
          return new RecordingSink();
        },
      }),
    ).toThrow(/create\(\) fetched http:\/\/127\.0\.0\.1:1\//);
    expect(() =>
      checkFactory({
        ...goodFactory,
        create: (init) => {
          init.clock.setTimeout(() => undefined, 1000);
          return new RecordingSink();
        },
      }),
    ).toThrow(/create\(\) set a timer/);
    const asyncFactory = { ...goodFactory, create: () => Promise.resolve(new RecordingSink()) } as unknown as SinkFactory<typeof schema>;
    expect(() => checkFactory(asyncFactory)).toThrow(/synchronously/);
    const processorWithoutProcess = { ...goodFactory, kind: 'processor' } as unknown as ProcessorFactory<typeof schema>;
    expect(() => checkFactory(processorWithoutProcess)).toThrow(/a processor must have a process\(\) method/);
  });
});

// The suites themselves, on well-behaved plugins.
processorContract({ name: 'processor/good', create: goodProcessor, input: () => sampleBatch() });

const staticSource = (): Source => ({
  name: 'source/static',
  scrape: (window, signal) =>
    signal.aborted
      ? Promise.reject(abortReason(signal))
      : Promise.resolve({ batch: sampleBatch(window.endMs), failures: [], diagnostics: [] }),
});
sourceContract({ name: 'source/static', create: staticSource });

factoryContract({
  kind: 'processor',
  type: 'good',
  description: 'Marks every set.',
  configSchema: defineSchema({}),
  create: goodProcessor,
});
