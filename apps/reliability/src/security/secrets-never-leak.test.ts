/**
 * Security rows: a kubelet bearer token, the InfluxDB password and the Kafka SASL password never appear in log lines,
 * error messages, failures, diagnostics or the /metrics exposition, whatever fails. Each row makes the component
 * fail on purpose (unreachable server, bad config) with the secret configured, captures everything, and greps.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, parseOptions, resolvePluginConfig, systemClock } from '@kubestats/core';
import { createPipeline } from '@kubestats/pipeline';
import { influxdbConfigSchema, influxdbSinkFactory } from '@kubestats/sink-influxdb';
import { kafkaConfigSchema, kafkaSinkFactory } from '@kubestats/sink-kafka';
import { buildBatch, podSet } from '@kubestats/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLog } from '../matrix/log-capture.js';
import { startMatrix, type MatrixHarness } from '../matrix/kubelet-matrix-harness.js';
import { TcpFaultProxy } from '../sinks/tcp-fault-proxy.js';

const kubeletToken = 'kubelet-token-Zq8vN3xW7pL2';
const influxPassword = 'influx-pa55-Hk4mT9rB';
const kafkaPassword = 'kafka-pa55-Yd6sQ1cV';
const secrets = [kubeletToken, influxPassword, kafkaPassword];

function leaks(texts: readonly string[]): string[] {
  return texts.filter((text) => secrets.some((secret) => text.includes(secret)));
}

let harness: MatrixHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('secrets never leak', () => {
  it('kubelet bearer token: never sent over plain HTTP, never in logs, failures, diagnostics or /metrics', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kubestats-reliability-'));
    const tokenFile = join(directory, 'token');
    writeFileSync(tokenFile, `${kubeletToken}\n`);
    harness = await startMatrix({ sourceOptions: { tokenFile } });
    harness.setProxyFault(() => ({ status: 401, body: 'Unauthorized' }));
    await harness.cycle();
    const report = await harness.cycle();
    expect(report.failures.map((failure) => failure.reason)).toContain('scrape-unauthorized');
    expect(harness.proxy.authorizations).toEqual([]);
    const texts = [
      ...harness.log.lines,
      ...report.failures.map((failure) => `${failure.detail} ${errorMessage(failure.cause)}`),
      ...report.diagnostics.map((diagnostic) => diagnostic.detail),
      await harness.pipeline.registry.metrics(),
    ];
    expect(leaks(texts)).toEqual([]);
  });

  it('InfluxDB password: not in logs, export errors, failures or /metrics while the server is unreachable', async () => {
    const proxy = new TcpFaultProxy('127.0.0.1', 8086);
    await proxy.reserveDown();
    const log = captureLog();
    const parsed = parseOptions(influxdbConfigSchema, { pw: influxPassword, user: 'admin', timeout: '500ms' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const sink = influxdbSinkFactory.create({ config: parsed.config, target: `http://${proxy.address}`, logger: log.logger, clock: systemClock, metadata: undefined });
    const pipeline = createPipeline({
      sources: [{ name: 'source/one', scrape: (window) => Promise.resolve({ batch: buildBatch(window.endMs, [podSet({ pod: 'p', metrics: { 'memory/usage': 1n } })]), failures: [], diagnostics: [] }) }],
      processors: [],
      sinks: [{ sink, queueCapacity: 1, exportTimeoutMs: 1000 }],
      resolutionMs: 10_000,
      stopTimeoutMs: 2000,
      retry: { initialBackoffMs: 10, maxBackoffMs: 20, maxAttempts: 2 },
      clock: systemClock,
      logger: log.logger,
    });
    const errors: string[] = [];
    await sink.export(buildBatch(Date.now(), [podSet({ pod: 'p', metrics: { 'memory/usage': 1n } })]), new AbortController().signal).catch((error: unknown) => errors.push(errorMessage(error), String((error as Error).stack)));
    await pipeline.runOnce({ startMs: Date.now() - 10_000, endMs: Date.now() });
    await pipeline.stop();
    expect(errors.length).toBeGreaterThan(0);
    const texts = [...log.lines, ...errors, sink.health?.().detail ?? '', await pipeline.registry.metrics()];
    expect(leaks(texts)).toEqual([]);
    expect(log.lines.length).toBeGreaterThan(0);
  });

  it('Kafka SASL password: not in logs, export errors or health while the broker is unreachable', async () => {
    const proxy = new TcpFaultProxy('127.0.0.1', 9092);
    await proxy.reserveDown();
    const log = captureLog();
    const parsed = parseOptions(kafkaConfigSchema, { brokers: [proxy.address], user: 'kubestats', password: kafkaPassword, timeout: '500ms' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const sink = kafkaSinkFactory.create({ config: parsed.config, target: undefined, logger: log.logger, clock: systemClock, metadata: undefined });
    const errors: string[] = [];
    await sink.start?.(new AbortController().signal).catch((error: unknown) => errors.push(errorMessage(error)));
    await sink.export(buildBatch(Date.now(), [podSet({ pod: 'p', metrics: { 'memory/usage': 1n } })]), new AbortController().signal).catch((error: unknown) => errors.push(errorMessage(error), String((error as Error).stack)));
    await sink.stop?.();
    expect(errors.length).toBeGreaterThan(0);
    expect(leaks([...log.lines, ...errors, sink.health?.().detail ?? ''])).toEqual([]);
  });

  it('a bad sink URI holding a password: the ConfigError names the problem, not the password', () => {
    const attempts: readonly (() => unknown)[] = [
      () => resolvePluginConfig(influxdbSinkFactory, `influxdb:http://127.0.0.1:8086?pw=${influxPassword}&db=k8s&bogus=1`),
      () => resolvePluginConfig(kafkaSinkFactory, `kafka:?brokers=127.0.0.1:9092&user=u&password=${kafkaPassword}&timeout=never`),
    ];
    for (const attempt of attempts) {
      let message = '';
      try {
        attempt();
      } catch (error) {
        message = errorMessage(error);
      }
      expect(message).toMatch(/bogus|timeout/);
      expect(leaks([message])).toEqual([]);
    }
  });
});
