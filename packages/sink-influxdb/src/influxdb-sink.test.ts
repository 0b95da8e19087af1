/**
 * Delivery semantics of the InfluxDB sink with a scripted connection (no server): chunking, concurrency, resuming a
 * retried batch, permanent vs retryable errors, lazy setup and health. The HTTP error classification is tested
 * against a small local HTTP server speaking InfluxDB's error bodies.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { isPermanentError, parseOptions, silentLogger } from '@kubestats/core';
import { buildBatch, nodeSet, RecordingLogger } from '@kubestats/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createInfluxdbConnection, InfluxdbError, type InfluxdbConnection, type InfluxdbErrorKind } from './influxdb-client.js';
import { influxdbConfigSchema } from './influxdb-options.js';
import { InfluxdbSink } from './influxdb-sink.js';

type WriteScript = (body: string, call: number) => void;

class ScriptedConnection implements InfluxdbConnection {
  readonly address = 'http://influx.test:8086';
  readonly bodies: string[] = [];
  setups = 0;
  setupError: InfluxdbError | undefined;
  script: WriteScript = () => undefined;

  ping(): Promise<void> {
    return Promise.resolve();
  }

  ensureDatabase(): Promise<{ createdDatabase: boolean; createdPolicy: boolean; alteredPolicy: boolean; policyIsDefault: boolean }> {
    this.setups++;
    if (this.setupError) return Promise.reject(this.setupError);
    return Promise.resolve({ createdDatabase: false, createdPolicy: false, alteredPolicy: false, policyIsDefault: true });
  }

  write(body: string): Promise<void> {
    this.bodies.push(body);
    try {
      this.script(body, this.bodies.length);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function sinkWith(connection: InfluxdbConnection, options: Record<string, unknown> = {}, logger = silentLogger): InfluxdbSink {
  const parsed = parseOptions(influxdbConfigSchema, options);
  if (!parsed.ok) throw new Error('bad options');
  return new InfluxdbSink({ config: parsed.config, connection, logger });
}

const batch = buildBatch(1_700_000_000_000, [
  nodeSet({ node: 'n1', metrics: { uptime: 1n, 'cpu/usage_rate': 2n, 'memory/usage': 3n, 'memory/working_set': 4n, 'cpu/request': 5n } }),
]);
const signal = new AbortController().signal;
const error = (kind: InfluxdbErrorKind, droppedPoints?: number): InfluxdbError =>
  new InfluxdbError(`influxdb test: ${kind}`, kind, droppedPoints === undefined ? {} : { droppedPoints });

describe('InfluxdbSink delivery', () => {
  it('writes batchSize-point chunks and reports every point written', async () => {
    const connection = new ScriptedConnection();
    const result = await sinkWith(connection, { batchSize: 2, concurrency: 2 }).export(batch, signal);
    expect(connection.bodies.map((body) => body.split('\n').length)).toEqual([2, 2, 1]);
    expect(result).toEqual({ pointsWritten: 5, pointsRejected: 0, failures: [] });
  });

  it('rejects retryably when a chunk hits an unavailable server, then resumes without rewriting what landed', async () => {
    const connection = new ScriptedConnection();
    connection.script = (_body, call) => {
      if (call === 2) throw error('unavailable');
    };
    const sink = sinkWith(connection, { batchSize: 2 });
    const failed: unknown = await sink.export(batch, signal).catch((caught: unknown) => caught);
    expect(failed).toBeInstanceOf(InfluxdbError);
    expect(isPermanentError(failed)).toBe(false);
    expect(sink.health()).toEqual({ ready: false, detail: 'influxdb test: unavailable' });
    connection.script = () => undefined;
    const retried = await sink.export(batch, signal);
    expect(retried).toEqual({ pointsWritten: 5, pointsRejected: 0, failures: [] });
    // chunk 1 once, chunk 2 twice (failed, then retried), chunk 3 once.
    expect(connection.bodies).toHaveLength(4);
    expect(sink.health().ready).toBe(true);
  });

  it('counts a partial write and rejected chunks as pointsRejected with sink-rejected failures', async () => {
    const connection = new ScriptedConnection();
    connection.script = (_body, call) => {
      if (call === 1) throw error('partial-write', 1);
      if (call === 2) throw error('rejected');
    };
    const result = await sinkWith(connection, { batchSize: 2 }).export(batch, signal);
    expect(result.pointsWritten).toBe(2);
    expect(result.pointsRejected).toBe(3);
    expect(result.failures.map((failure) => failure.reason)).toEqual(['sink-rejected', 'sink-rejected']);
  });

  it('throws PermanentError when every point is rejected or the credentials are refused', async () => {
    const connection = new ScriptedConnection();
    connection.script = () => {
      throw error('rejected');
    };
    expect(isPermanentError(await sinkWith(connection).export(batch, signal).catch((caught: unknown) => caught))).toBe(true);
    const refused = new ScriptedConnection();
    refused.setupError = error('unauthorized');
    expect(isPermanentError(await sinkWith(refused).export(batch, signal).catch((caught: unknown) => caught))).toBe(true);
  });

  it('sets the database up again after "database not found"', async () => {
    const connection = new ScriptedConnection();
    const sink = sinkWith(connection);
    await sink.export(batch, signal);
    connection.script = () => {
      throw error('database-not-found');
    };
    await expect(sink.export(batch, signal)).rejects.toThrow('database-not-found');
    connection.script = () => undefined;
    await sink.export(batch, signal);
    expect(connection.setups).toBe(2);
  });

  it('start() never throws; health is not ready with the reason until setup succeeds', async () => {
    const connection = new ScriptedConnection();
    connection.setupError = error('unavailable');
    const sink = sinkWith(connection);
    expect(sink.health()).toEqual({ ready: false, detail: 'not connected yet to http://influx.test:8086' });
    await sink.start(signal);
    expect(sink.health()).toEqual({ ready: false, detail: 'influxdb test: unavailable' });
    connection.setupError = undefined;
    await sink.export(batch, signal);
    expect(sink.health().ready).toBe(true);
  });

  it('resolves with zero points for an empty batch without contacting the server', async () => {
    const connection = new ScriptedConnection();
    expect(await sinkWith(connection).export(buildBatch(0, []), signal)).toEqual({ pointsWritten: 0, pointsRejected: 0, failures: [] });
    expect(connection.setups).toBe(0);
  });
});

describe('InfluxDB HTTP errors, classified (local HTTP server)', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function answer(status: number, body: string): Promise<InfluxdbConnection> {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return createInfluxdbConnection({ url: new URL(`http://127.0.0.1:${port}`), username: 'root', password: 'hunter2', insecureTls: false, timeoutMs: 5000 });
  }

  const cases: [number, string, InfluxdbErrorKind, number | undefined][] = [
    [500, '{"error":"timeout"}', 'unavailable', undefined],
    [503, '', 'unavailable', undefined],
    [401, '{"error":"authorization failed"}', 'unauthorized', undefined],
    [404, '{"error":"database not found: \\"k8s\\""}', 'database-not-found', undefined],
    [400, '{"error":"partial write: field type conflict: input field \\"value\\" on measurement \\"uptime\\" is type float, already exists as type integer dropped=3"}', 'partial-write', 3],
    [413, '{"error":"Request Entity Too Large"}', 'rejected', undefined],
  ];
  for (const [status, body, kind, dropped] of cases) {
    it(`${status} ${body || '(empty)'} -> ${kind}`, async () => {
      const connection = await answer(status, body);
      const caught: unknown = await connection.write('uptime value=1i 1', 'k8s', 'default', signal).catch((failure: unknown) => failure);
      expect(caught).toBeInstanceOf(InfluxdbError);
      expect((caught as InfluxdbError).kind).toBe(kind);
      expect((caught as InfluxdbError).droppedPoints).toBe(dropped);
      expect((caught as InfluxdbError).message).toContain('POST /write db=k8s rp=default');
      const logger = new RecordingLogger();
      logger.warn({ err: caught }, 'x');
      expect(logger.records.join('')).not.toContain(Buffer.from('root:hunter2').toString('base64'));
    });
  }

  it('connection refused -> unavailable, naming the address', async () => {
    const connection = await answer(204, '');
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const caught = (await connection.ping(signal).catch((failure: unknown) => failure)) as InfluxdbError;
    expect([caught.kind, caught.message]).toEqual(['unavailable', expect.stringMatching(/^influxdb http:\/\/127\.0\.0\.1:\d+: GET \/ping: ECONNREFUSED/)]);
  });
});
