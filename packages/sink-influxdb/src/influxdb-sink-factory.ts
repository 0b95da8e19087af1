/**
 * The `influxdb` sink factory: `--sink=influxdb:http://host:8086?db=k8s&withfields=true…`. Only host and port of the
 * target are read (as Heapster did); `secure=true` or an https target selects HTTPS.
 */
import { ConfigError, type PluginInit, type SinkFactory } from '@kubestats/core';
import { createInfluxdbConnection } from './influxdb-client.js';
import { influxdbConfigSchema, type InfluxdbSinkConfig } from './influxdb-options.js';
import { InfluxdbSink } from './influxdb-sink.js';

const defaultTarget = 'http://localhost:8086';
const minimumRetentionMs = 3_600_000;

/** The server URL from the URI target: scheme optional, path and credentials ignored. */
export function influxdbUrl(target: string | undefined, secure: boolean): URL {
  const text = target === undefined || target.trim() === '' ? defaultTarget : target.trim();
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  const protocol = secure || url.protocol === 'https:' ? 'https:' : 'http:';
  return new URL(`${protocol}//${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port === '' ? '8086' : url.port}`);
}

function checkConfig(config: InfluxdbSinkConfig, target: string | undefined): URL {
  const problems = [];
  if (config.retention !== 0 && config.retention < minimumRetentionMs) {
    problems.push({ path: 'retention', message: 'InfluxDB retention policies must last at least 1h (or 0 for infinite)' });
  }
  if (config.db.trim() === '') problems.push({ path: 'db', message: 'must not be empty' });
  if (config.rp.trim() === '') problems.push({ path: 'rp', message: 'must not be empty' });
  let url: URL | undefined;
  try {
    url = influxdbUrl(target, config.secure);
  } catch (error) {
    problems.push({ path: 'target', message: `${JSON.stringify(target)} is not a host:port or URL (${String(error)})` });
  }
  if (problems.length > 0 || url === undefined) throw new ConfigError('sink influxdb', problems);
  return url;
}

export const influxdbSinkFactory = {
  kind: 'sink',
  type: 'influxdb',
  description: "Writes every point to InfluxDB 1.x in Heapster's schema (default or withfields), creating the database and retention policy.",
  configSchema: influxdbConfigSchema,
  create(init: PluginInit<InfluxdbSinkConfig>): InfluxdbSink {
    const url = checkConfig(init.config, init.target);
    const connection = createInfluxdbConnection({
      url,
      username: init.config.user,
      password: init.config.pw,
      insecureTls: init.config.insecuressl,
      timeoutMs: init.config.timeout,
    });
    return new InfluxdbSink({ config: init.config, connection, logger: init.logger.child({ component: 'sink/influxdb' }) });
  },
} as const satisfies SinkFactory<typeof influxdbConfigSchema>;
