/**
 * Property tests for the config front door: Heapster URIs and option values come from flags, YAML and environment
 * variables, so any string (or any JSON/YAML value) must end in a result or a ConfigError that names the option,
 * never in another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineSchema, parseDurationMs, parseOptions } from './config-schema.js';
import type { SinkFactory } from './contracts.js';
import { ConfigError } from './errors.js';
import { redactPluginUri, resolvePluginConfig } from './plugin-config.js';
import { parsePluginUri } from './plugin-uri.js';

const schema = defineSchema({
  db: { type: 'string', default: 'k8s', description: 'database' },
  pw: { type: 'string', secret: true, description: 'password' },
  port: { type: 'int', min: 1, max: 65535, default: 8086, description: 'port' },
  insecure: { type: 'boolean', default: false, description: 'skip TLS verification' },
  timeout: { type: 'duration', minMs: 1, default: 10_000, description: 'timeout' },
  level: { type: 'enum', values: ['a', 'b'], default: 'a', description: 'level' },
  brokers: { type: 'list', default: [], description: 'brokers' },
  token: { type: 'string', required: true, description: 'required token' },
});
const factory: SinkFactory<typeof schema> = {
  kind: 'sink',
  type: 'influxdb',
  description: 'test factory',
  configSchema: schema,
  create: () => {
    throw new Error('not called');
  },
};

const optionName = fc.oneof(fc.constantFrom(...Object.keys(schema), '__proto__', 'constructor', 'toString', ''), fc.string({ maxLength: 8 }));
const optionText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'true', '0', '-1', '65536', '1e400', '9'.repeat(400), '1h2m3s', '5µs', 'NaN', ' 12 ', '1.5'),
);
/** What a YAML or JSON config file can put where an option value goes. */
const jsonLike = fc.jsonValue({ maxDepth: 2 });
const hostileObject = fc.constantFrom<unknown>({ toString: 1 }, { valueOf: null, toString: null }, Object.create(null), [[{}]], { toString: 'x' });

const uriText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .tuple(
      fc.constantFrom('influxdb', 'kafka', 'memory', 'in flux', '1x', ''),
      fc.constantFrom(':', '', ':http://', ':http://[::1', ':https://h:99999', ":''", ':$HOST', ':${X}'),
      fc.array(fc.tuple(optionName, optionText), { maxLength: 6 }),
    )
    .map(([type, target, options]) => `${type}${target}?${options.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`),
);

const knownPaths = new Set([...Object.keys(schema), 'type', 'sink']);

describe('config parsing never throws anything but ConfigError', () => {
  it('parsePluginUri returns a result for any string and environment', () => {
    fc.assert(
      fc.property(uriText, fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 10 })), (text, env) => {
        const result = parsePluginUri(text, env);
        if (result.ok) expect(result.uri.type).toMatch(/^[a-z][\w.-]*$/i);
        else expect(result.message).toContain(JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('resolvePluginConfig throws only ConfigError, and every problem names an option, the type or the kind', () => {
    fc.assert(
      fc.property(uriText, (text) => {
        try {
          const resolved = resolvePluginConfig(factory, text);
          expect(typeof resolved.config.token).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const problems = (error as ConfigError).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) {
            const namesUnknownOption = problem.message.startsWith('unknown option');
            expect(knownPaths.has(problem.path) || namesUnknownOption).toBe(true);
            expect(problem.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseOptions returns problems (never throws) for any raw values, and each problem names its option', () => {
    fc.assert(
      fc.property(fc.dictionary(optionName, fc.oneof(optionText, jsonLike, hostileObject, fc.array(optionText, { maxLength: 3 }))), (raw) => {
        const result = parseOptions(schema, raw, 'sink[0].');
        if (!result.ok) {
          for (const problem of result.problems) {
            const name = problem.path.slice('sink[0].'.length);
            expect(problem.path.startsWith('sink[0].')).toBe(true);
            expect(Object.hasOwn(schema, name) || Object.hasOwn(raw, name)).toBe(true);
          }
          // Every unknown option is reported, by name.
          for (const name of Object.keys(raw)) {
            if (!Object.hasOwn(schema, name)) expect(result.problems.some((problem) => problem.path === `sink[0].${name}`)).toBe(true);
          }
          return;
        }
        const { config } = result;
        expect(Number.isSafeInteger(config.port) && config.port >= 1 && config.port <= 65535).toBe(true);
        expect(Number.isFinite(config.timeout) && config.timeout >= 1).toBe(true);
        expect(typeof config.insecure).toBe('boolean');
        expect(['a', 'b']).toContain(config.level);
        expect(config.brokers.every((broker) => typeof broker === 'string' && broker !== '')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseDurationMs returns a finite non-negative number or undefined for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[\d.]{1,400}(ns|us|µs|ms|s|m|h)?$/), fc.constant('9'.repeat(400))), (text) => {
        const ms = parseDurationMs(text);
        if (ms !== undefined) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  // Found by the properties above; each used to throw a TypeError (or return Infinity) instead.
  it('an option named like an Object.prototype member is an unknown option, not a TypeError', () => {
    expect(parsePluginUri('memory:?constructor=1&toString=2&__proto__=3')).toEqual({
      ok: true,
      uri: { type: 'memory', target: undefined, options: { constructor: ['1'], toString: ['2'], ['__proto__']: ['3'] } },
    });
    expect(() => resolvePluginConfig(factory, 'influxdb:?token=t&constructor=1')).toThrow(/constructor: unknown option/);
  });

  it('a YAML map where a scalar option goes is a problem naming the option', () => {
    const result = parseOptions(schema, { token: 't', brokers: { toString: 1 }, insecure: Object.create(null) as unknown });
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'insecure', message: 'expected true or false, got a map' },
        { path: 'brokers', message: 'expected strings or a comma-separated string, got a map' },
      ],
    });
  });

  it('a bare number of milliseconds too large for a double is malformed, not Infinity', () => {
    expect(parseDurationMs('9'.repeat(400))).toBeUndefined();
  });
});


describe('redactPluginUri', () => {
  it('hides secret option values and URL passwords, and nothing else', () => {
    expect(redactPluginUri('influxdb:http://admin:hunter2@127.0.0.1:8086?pw=s3cret&db=k8s&pw=again', ['pw'])).toBe(
      'influxdb:http://admin:***@127.0.0.1:8086?pw=***&db=k8s&pw=***',
    );
    expect(redactPluginUri('kafka:?brokers=b:9092&password=x&user=u', ['password'])).toBe('kafka:?brokers=b:9092&password=***&user=u');
  });

  it('a ConfigError never contains the value of a secret option', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{8,16}$/), fc.constantFrom('bogus=1', 'port=x', 'timeout=never', ''), (secret, bad) => {
        try {
          resolvePluginConfig(factory, `influxdb:http://u:${secret}@h:1?pw=${secret}&${bad}`);
        } catch (error) {
          expect((error as Error).message).not.toContain(secret);
        }
      }),
    );
  });
});
