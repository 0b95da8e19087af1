import { describe, expect, it } from 'vitest';
import { parsePluginUri } from './plugin-uri.js';
import { resolvePluginConfig } from './plugin-config.js';
import { defineSchema } from './config-schema.js';
import { ConfigError } from './errors.js';

describe('parsePluginUri', () => {
  it('splits Heapster-style URIs into type, target and repeatable options', () => {
    expect(parsePluginUri('kubernetes.summary_api:https://kubernetes.default?kubeletPort=10250&insecure=true')).toEqual({
      ok: true,
      uri: { type: 'kubernetes.summary_api', target: 'https://kubernetes.default', options: { kubeletPort: ['10250'], insecure: ['true'] } },
    });
    expect(parsePluginUri('kafka:?brokers=h1:9092&brokers=h2:9092')).toEqual({
      ok: true,
      uri: { type: 'kafka', target: undefined, options: { brokers: ['h1:9092', 'h2:9092'] } },
    });
    expect(parsePluginUri('memory')).toEqual({ ok: true, uri: { type: 'memory', target: undefined, options: {} } });
    expect(parsePluginUri("kubernetes.summary_api:''?kubeletPort=10250")).toEqual({
      ok: true,
      uri: { type: 'kubernetes.summary_api', target: undefined, options: { kubeletPort: ['10250'] } },
    });
    expect(parsePluginUri("kubernetes.summary_api:''")).toEqual({
      ok: true,
      uri: { type: 'kubernetes.summary_api', target: undefined, options: {} },
    });
  });

  it('expands environment variables as Heapster did', () => {
    const result = parsePluginUri('influxdb:http://$HOST:8086?pw=${PW}', { HOST: '127.0.0.1', PW: 's3cret' });
    expect(result).toEqual({ ok: true, uri: { type: 'influxdb', target: 'http://127.0.0.1:8086', options: { pw: ['s3cret'] } } });
  });

  it('names what is malformed', () => {
    const result = parsePluginUri('influxdb:not a url?db=x');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('"not a url" is not a URL');
  });
});

describe('resolvePluginConfig', () => {
  const factory = {
    kind: 'sink' as const,
    type: 'influxdb',
    description: 'test',
    configSchema: defineSchema({ db: { type: 'string', default: 'k8s', description: 'Database.' } }),
    create: () => ({}),
  };

  it('validates options against the factory schema', () => {
    expect(resolvePluginConfig(factory, 'influxdb:http://h:8086?db=metrics')).toEqual({
      config: { db: 'metrics' },
      target: 'http://h:8086',
    });
  });

  it('throws a ConfigError naming the bad option', () => {
    expect(() => resolvePluginConfig(factory, 'influxdb:http://h:8086?dbname=x')).toThrow(ConfigError);
    expect(() => resolvePluginConfig(factory, 'influxdb:http://h:8086?dbname=x')).toThrow(/dbname: unknown option/);
    expect(() => resolvePluginConfig(factory, 'kafka:?brokers=x')).toThrow(/expected influxdb, got kafka/);
  });
});
