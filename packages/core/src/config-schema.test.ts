import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineSchema, formatDurationMs, parseDurationMs, parseOptions, type ConfigOf } from './config-schema.js';

const schema = defineSchema({
  db: { type: 'string', default: 'k8s', description: 'Database name.' },
  concurrency: { type: 'int', default: 1, min: 1, description: 'Requests in flight.' },
  secure: { type: 'boolean', default: false, description: 'Use HTTPS.' },
  timeout: { type: 'duration', default: 10_000, description: 'Request timeout.' },
  compression: { type: 'enum', values: ['none', 'gzip'], default: 'none', description: 'Codec.' },
  brokers: { type: 'list', required: true, description: 'Kafka brokers.' },
  user: { type: 'string', description: 'User name.' },
});

describe('parseOptions', () => {
  it('fills defaults and converts strings from a URI query', () => {
    const result = parseOptions(schema, { concurrency: ['4'], secure: [''], timeout: ['1m30s'], brokers: ['a:1', 'b:2,c:3'] });
    expect(result).toEqual({
      ok: true,
      config: {
        db: 'k8s',
        concurrency: 4,
        secure: true,
        timeout: 90_000,
        compression: 'none',
        brokers: ['a:1', 'b:2', 'c:3'],
      },
    });
  });

  it('lists every problem at once, each naming its option', () => {
    const result = parseOptions(schema, { concurrency: '0', compression: 'zstd', colour: 'red', timeout: 'soon' }, 'sink.');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path).sort()).toEqual([
      'sink.brokers',
      'sink.colour',
      'sink.compression',
      'sink.concurrency',
      'sink.timeout',
    ]);
    expect(result.problems.find((problem) => problem.path === 'sink.colour')?.message).toContain('valid options are');
    expect(result.problems.find((problem) => problem.path === 'sink.concurrency')?.message).toBe('must be at least 1, got 0');
  });

  it('derives the config type from the schema', () => {
    type Config = ConfigOf<typeof schema>;
    expectTypeOf<Config['db']>().toEqualTypeOf<string>();
    expectTypeOf<Config['compression']>().toEqualTypeOf<'none' | 'gzip'>();
    expectTypeOf<Config['user']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Config['brokers']>().toEqualTypeOf<readonly string[]>();
  });
});

describe('durations', () => {
  it('parses Go-style durations and bare milliseconds', () => {
    expect(parseDurationMs('60s')).toBe(60_000);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('1500')).toBe(1500);
    expect(parseDurationMs('1x')).toBeUndefined();
    expect(parseDurationMs('')).toBeUndefined();
  });

  it('formats like Go prints a time.Duration', () => {
    expect(formatDurationMs(60_000)).toBe('1m0s');
    expect(formatDurationMs(15_000)).toBe('15s');
    expect(formatDurationMs(500)).toBe('500ms');
  });
});
