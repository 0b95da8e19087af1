/**
 * The contract suites: one call in a plugin's test file registers a vitest `describe` block that checks the plugin
 * against core's contract (lifecycle, abort, no input mutation, well-formed results). The rules live in
 * contract-checks.ts; this module only wires them to fresh instances.
 */
import type { DataBatch, PluginKind, Processor, Sink, Source, TimeWindow, ConfigSchema, PluginFactory } from '@kubestats/core';
import { describe, it } from 'vitest';
import { deepFreezeBatch } from './batch-mutation.js';
import {
  checkBatchResultWellFormed,
  checkBatchWellFormed,
  checkExportResultWellFormed,
  checkFactory,
  checkHealthWellFormed,
  checkInputNotMutated,
  checkName,
  checkRejectsWhenAborted,
  checkStopIdempotent,
  ContractViolation,
  type ContractComponent,
  type FactoryCheckOptions,
  type PromptnessOptions,
} from './contract-checks.js';
import { sampleBatch, sampleTimestampMs } from './sample-batch.js';

interface SuiteOptions<T> extends PromptnessOptions {
  /** Shown in the describe title. */
  readonly name: string;
  /** A fresh, hermetic instance per test (fake clients, static metadata). */
  readonly create: () => T | Promise<T>;
  /** Call start() before the checked call, as the host does (default true). */
  readonly start?: boolean;
}

async function withStarted<T extends ContractComponent, R>(options: SuiteOptions<T>, body: (component: T) => Promise<R>): Promise<R> {
  const component = await options.create();
  if (options.start !== false && component.start) await component.start(new AbortController().signal);
  try {
    return await body(component);
  } finally {
    await component.stop?.();
  }
}

function lifecycleTests<T extends ContractComponent>(options: SuiteOptions<T>): void {
  it('has a non-empty name', async () => {
    checkName(await options.create());
  });

  it('stop() is idempotent and safe without start()', async () => {
    await checkStopIdempotent(await options.create());
  });

  it('health(), when present, is well formed', async () => {
    await withStarted(options, (component) => Promise.resolve(checkHealthWellFormed(component)));
  });
}

export interface SourceContractOptions extends SuiteOptions<Source> {
  /** The window scraped; default: the minute before 2026-01-01T12:00:00Z. */
  readonly window?: TimeWindow;
}

export const defaultContractWindow: TimeWindow = { startMs: sampleTimestampMs - 60_000, endMs: sampleTimestampMs };

export function sourceContract(options: SourceContractOptions): void {
  const window = options.window ?? defaultContractWindow;
  describe(`${options.name} (source contract)`, () => {
    lifecycleTests(options);

    it("scrape() with an already-aborted signal rejects promptly with the signal's reason", async () => {
      await withStarted(options, (source) => checkRejectsWhenAborted(`${source.name}.scrape()`, (signal) => source.scrape(window, signal), options));
    });

    it('scrape() resolves with a well-formed batch stamped with the window end, failures and diagnostics', async () => {
      await withStarted(options, async (source) => {
        const result = await source.scrape(window, new AbortController().signal);
        checkBatchResultWellFormed(`${source.name}.scrape()`, result);
        if (result.batch.timestampMs !== window.endMs) {
          throw new ContractViolation(`${source.name}.scrape(): batch.timestampMs ${result.batch.timestampMs} is not the window end ${window.endMs}`);
        }
      });
    });
  });
}

export interface ProcessorContractOptions extends SuiteOptions<Processor> {
  /** A fresh input batch per call; make it exercise the processor (sets it changes, sets it leaves alone). */
  readonly input: () => DataBatch;
}

export function processorContract(options: ProcessorContractOptions): void {
  describe(`${options.name} (processor contract)`, () => {
    lifecycleTests(options);

    it("process() with an already-aborted signal rejects promptly with the signal's reason", async () => {
      await withStarted(options, (processor) =>
        checkRejectsWhenAborted(`${processor.name}.process()`, (signal) => processor.process(options.input(), signal), options),
      );
    });

    it('process() does not mutate its input batch', async () => {
      await withStarted(options, async (processor) => {
        // Twice: state kept from the first call (rates, caches) must not lead to writes into the second input either.
        for (let call = 0; call < 2; call++) {
          await checkInputNotMutated(`${processor.name}.process()`, options.input(), (batch) => processor.process(batch, new AbortController().signal));
        }
      });
    });

    it('process() accepts a deeply frozen input', async () => {
      await withStarted(options, async (processor) => {
        await processor.process(deepFreezeBatch(options.input()), new AbortController().signal);
      });
    });

    it('process() resolves with a well-formed batch, failures and diagnostics', async () => {
      await withStarted(options, async (processor) => {
        const result = await processor.process(options.input(), new AbortController().signal);
        checkBatchResultWellFormed(`${processor.name}.process()`, result);
      });
    });
  });
}

export interface SinkContractOptions extends SuiteOptions<Sink> {
  /** A fresh batch per call; default: sampleBatch(). */
  readonly batch?: () => DataBatch;
}

export function sinkContract(options: SinkContractOptions): void {
  const batch = options.batch ?? (() => sampleBatch());
  describe(`${options.name} (sink contract)`, () => {
    lifecycleTests(options);

    it("export() with an already-aborted signal rejects promptly with the signal's reason", async () => {
      await withStarted(options, (sink) => checkRejectsWhenAborted(`${sink.name}.export()`, (signal) => sink.export(batch(), signal), options));
    });

    it('export() does not mutate the batch and accepts a deeply frozen one', async () => {
      await withStarted(options, async (sink) => {
        const input = batch();
        checkBatchWellFormed('the contract batch', input);
        await checkInputNotMutated(`${sink.name}.export()`, input, (exported) => sink.export(exported, new AbortController().signal));
        await sink.export(deepFreezeBatch(batch()), new AbortController().signal);
      });
    });

    it('export() resolves with a well-formed result', async () => {
      await withStarted(options, async (sink) => {
        checkExportResultWellFormed(`${sink.name}.export()`, await sink.export(batch(), new AbortController().signal));
      });
    });
  });
}

/** Registers the factory checks (see checkFactory) as one test. */
export function factoryContract<K extends PluginKind, S extends ConfigSchema>(
  factory: PluginFactory<K, S, unknown>,
  options: FactoryCheckOptions = {},
): void {
  describe(`${factory.type} (factory contract)`, () => {
    it('declares kind, type, description and described options, and create() is synchronous and does no I/O', () => {
      checkFactory(factory, options);
    });
  });
}
