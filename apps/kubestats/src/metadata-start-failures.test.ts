/**
 * How the app starts against a bad apiserver: an apiserver that accepts connections but never answers the list ends
 * at the metadata sync timeout with an error naming its URL; `insecure=true` says once that the apiserver's
 * certificate is not verified; the pipeline's diagnostics log takes its size from the settings.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { composeApp, type KubestatsApp } from './compose.js';
import { resolveSettings } from './settings.js';

let server: Server | undefined;
let app: KubestatsApp | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  await app?.stop();
  app = undefined;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A pino logger keeping every line, parsed. */
function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** A TCP listener that accepts and never answers: an apiserver hung behind its load balancer. */
async function silentApiserver(): Promise<string> {
  server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('cluster metadata at start', () => {
  it('an apiserver that never answers → prepare() rejects after the sync timeout, naming the apiserver URL', async () => {
    const url = await silentApiserver();
    const settings = resolveSettings({ source: `kubernetes.summary_api:${url}?inClusterConfig=false`, heapster_port: 0 });
    app = await composeApp({ settings, logger: captureLog().logger, serveApi: false, metadataSyncTimeoutMs: 200 });
    await expect(app.prepare()).rejects.toThrow(`cluster metadata: apiserver ${url}: no initial list within 200 ms`);
  });

  it('insecure=true with an apiserver → one warning that its certificate is not verified', async () => {
    const log = captureLog();
    const settings = resolveSettings({ source: 'kubernetes.summary_api:https://127.0.0.1:6443?inClusterConfig=false&insecure=true', heapster_port: 0 });
    app = await composeApp({ settings, logger: log.logger, serveApi: false });
    const warnings = log.entries().filter((entry) => entry.level === 40);
    expect(warnings.map((entry) => [entry.msg, entry.apiServer])).toEqual([['apiserver TLS certificate verification is disabled (insecure=true)', 'https://127.0.0.1:6443']]);
  });

  it('sizes the pipeline\'s diagnostics log from --diagnostics_max_keys', async () => {
    const settings = resolveSettings({ source: 'kubernetes.summary_api:https://127.0.0.1:6443?inClusterConfig=false', heapster_port: 0, diagnostics_max_keys: 250_000 });
    app = await composeApp({ settings, logger: captureLog().logger, serveApi: false });
    expect(app.pipeline.diagnostics.maxKeys).toBe(250_000);
  });

  it('without insecure → no such warning', async () => {
    const log = captureLog();
    const settings = resolveSettings({ source: 'kubernetes.summary_api:https://127.0.0.1:6443?inClusterConfig=false', heapster_port: 0 });
    app = await composeApp({ settings, logger: log.logger, serveApi: false });
    expect(log.lines.filter((line) => line.includes('verification is disabled'))).toEqual([]);
  });
});
