/**
 * The I/O half of the InfluxDB sink: database and retention-policy setup through the `influx` library's InfluxDB
 * class, and writes of already formatted line protocol through the same library's HTTP pool (so the bytes sent are
 * exactly the tested ones, and the request can be aborted). Every error leaves here classified by what the sink
 * should do about it.
 */
import { escape, InfluxDB } from 'influx';
import type { IBackoffStrategy } from 'influx/lib/src/backoff/backoff.js';
import { Pool, RequestError, ServiceNotAvailableError } from 'influx/lib/src/pool.js';
import { abortReason, formatDurationMs, parseDurationMs } from '@kubestats/core';

/** What the sink does about a failed request. */
export type InfluxdbErrorKind =
  /** Connection refused/reset, timeout, 5xx: retry later, the server may come back. */
  | 'unavailable'
  /** The database (or retention policy) vanished: set it up again, then retry. */
  | 'database-not-found'
  /** 400 partial write (field type conflict…): some points were dropped by the server, the rest were written. */
  | 'partial-write'
  /** Any other 4xx or an InfluxQL error: retrying the same request cannot succeed. */
  | 'rejected'
  /** 401/403: the credentials are wrong or lack permission. */
  | 'unauthorized';

export class InfluxdbError extends Error {
  override readonly name = 'InfluxdbError';
  readonly kind: InfluxdbErrorKind;
  readonly status: number | undefined;
  /** For partial writes: the points InfluxDB reported as dropped. */
  readonly droppedPoints: number | undefined;

  constructor(message: string, kind: InfluxdbErrorKind, details: { status?: number; droppedPoints?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.droppedPoints = details.droppedPoints;
  }
}

export interface RetentionPolicySpec {
  readonly name: string;
  /** 0 = infinite. */
  readonly durationMs: number;
}

/** What ensureDatabase found and changed. */
export interface DatabaseSetup {
  readonly createdDatabase: boolean;
  readonly createdPolicy: boolean;
  readonly alteredPolicy: boolean;
  /** Whether the policy is the database's default (the one queries without an RP read). */
  readonly policyIsDefault: boolean;
}

/** The operations the sink needs; the real one talks HTTP, tests may substitute their own. */
export interface InfluxdbConnection {
  /** `http://host:port`, without credentials: for messages and logs. */
  readonly address: string;
  ping(signal: AbortSignal): Promise<void>;
  ensureDatabase(database: string, policy: RetentionPolicySpec, signal: AbortSignal): Promise<DatabaseSetup>;
  /** POSTs newline-separated points (ns precision) to `/write`. */
  write(body: string, database: string, retentionPolicy: string, signal: AbortSignal): Promise<void>;
}

export interface InfluxdbConnectionOptions {
  /** `http://127.0.0.1:8086` or `https://…`. */
  readonly url: URL;
  readonly username: string;
  readonly password: string;
  readonly insecureTls: boolean;
  readonly timeoutMs: number;
}

/**
 * The library's pool would take a failing host out of rotation for a backoff period on its own timers; the pipeline
 * host owns retries and backoff, so the pool never retries and never disables the single host.
 */
const noBackoff: IBackoffStrategy = {
  getDelay: () => 0,
  next: () => noBackoff,
  reset: () => noBackoff,
};

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** InfluxQL duration literal: whole hours when possible (InfluxDB requires >= 1h), else milliseconds; 0 = INF. */
export function influxqlDuration(durationMs: number): string {
  if (durationMs === 0) return 'INF';
  return durationMs % 3_600_000 === 0 ? `${durationMs / 3_600_000}h` : `${Math.round(durationMs)}ms`;
}

/** Classifies anything the library or node:http threw. `what` names the request (`POST /write db=k8s`). */
export function classifyInfluxdbError(error: unknown, address: string, what: string): InfluxdbError {
  if (error instanceof InfluxdbError) return error;
  const prefix = `influxdb ${address}: ${what}`;
  if (error instanceof RequestError) {
    // No `cause` here: the library's RequestError holds the ClientRequest, whose headers carry the basic-auth
    // credentials, and loggers serialize causes. Status and body are all the sink needs.
    const status = error.res.statusCode ?? 0;
    const message = `${prefix}: ${error.message}`;
    if (status === 401 || status === 403) return new InfluxdbError(message, 'unauthorized', { status });
    if (/database not found|retention policy not found/i.test(error.message)) {
      return new InfluxdbError(message, 'database-not-found', { status });
    }
    if (status === 400 && /partial write/i.test(error.message)) {
      const dropped = /dropped=(\d+)/.exec(error.message)?.[1];
      return new InfluxdbError(message, 'partial-write', { status, ...(dropped === undefined ? {} : { droppedPoints: Number(dropped) }) });
    }
    return new InfluxdbError(message, status >= 500 ? 'unavailable' : 'rejected', { status });
  }
  if (error instanceof ServiceNotAvailableError) {
    return new InfluxdbError(`${prefix}: ${error.message || 'server error (5xx)'}`, 'unavailable', { cause: error });
  }
  const code = errorCode(error);
  const text = error instanceof Error ? error.message : String(error);
  if (code !== undefined && unavailableCodes.has(code)) {
    return new InfluxdbError(`${prefix}: ${code} ${text}`.trim(), 'unavailable', { cause: error });
  }
  if (/^Error from InfluxDB: /.test(text)) {
    const kind = /database not found/i.test(text) ? 'database-not-found' : /authoriz|authentic/i.test(text) ? 'unauthorized' : 'rejected';
    return new InfluxdbError(`${prefix}: ${text}`, kind, { cause: error });
  }
  // Unknown transport failures (TLS handshakes, parse errors of a proxy's reply) may heal: retry rather than drop.
  return new InfluxdbError(`${prefix}: ${text}`, 'unavailable', { cause: error });
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error as { name?: unknown } | null)?.name === 'AbortError';
}

/** The production connection: the `influx` library over node:http(s). */
export function createInfluxdbConnection(options: InfluxdbConnectionOptions): InfluxdbConnection {
  const protocol = options.url.protocol === 'https:' ? 'https' : 'http';
  const port = options.url.port === '' ? 8086 : Number(options.url.port);
  const address = `${protocol}://${options.url.hostname}:${port}`;
  const tls = protocol === 'https' ? { rejectUnauthorized: !options.insecureTls } : {};
  const poolOptions = { maxRetries: 0, requestTimeout: options.timeoutMs, backoff: noBackoff };
  const admin = new InfluxDB({
    host: options.url.hostname,
    port,
    protocol,
    username: options.username,
    password: options.password,
    // The library needs a default database for queryRaw; statements below name theirs explicitly.
    database: '_internal',
    options: tls,
    pool: poolOptions,
  });
  const writer = new Pool(poolOptions);
  writer.addHost(address, tls);
  const auth = `${options.username}:${options.password}`;

  async function run<T>(what: string, signal: AbortSignal, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (isAbort(error, signal)) throw abortReason(signal);
      throw classifyInfluxdbError(error, address, what);
    }
  }

  async function query(statement: string, signal: AbortSignal, method: 'GET' | 'POST'): Promise<Record<string, unknown>[]> {
    const rows = await run(statement, signal, () => admin.query(statement, { signal, method }));
    return [...(rows as Iterable<Record<string, unknown>>)];
  }

  return {
    address,
    async ping(signal) {
      await run('GET /ping', signal, () => writer.discard({ method: 'GET', path: '/ping', auth, signal }));
    },
    async ensureDatabase(database, policy, signal) {
      const duration = influxqlDuration(policy.durationMs);
      const db = escape.quoted(database);
      const rp = escape.quoted(policy.name);
      const names = (await query('SHOW DATABASES', signal, 'GET')).map((row) => String(row.name));
      if (!names.includes(database)) {
        // Created together, the policy becomes the database default, as Heapster's `WITH NAME "default"` did, so
        // dashboards that query without an RP keep working.
        await query(`CREATE DATABASE ${db} WITH DURATION ${duration} REPLICATION 1 NAME ${rp}`, signal, 'POST');
        return { createdDatabase: true, createdPolicy: true, alteredPolicy: false, policyIsDefault: true };
      }
      const policies = await query(`SHOW RETENTION POLICIES ON ${db}`, signal, 'GET');
      const existing = policies.find((row) => row.name === policy.name);
      if (!existing) {
        await query(`CREATE RETENTION POLICY ${rp} ON ${db} DURATION ${duration} REPLICATION 1`, signal, 'POST');
        return { createdDatabase: false, createdPolicy: true, alteredPolicy: false, policyIsDefault: false };
      }
      const currentMs = parseDurationMs(String(existing.duration)) ?? Number.NaN;
      const isDefault = existing.default === true;
      if (policy.durationMs > 0 && currentMs !== policy.durationMs) {
        await query(`ALTER RETENTION POLICY ${rp} ON ${db} DURATION ${duration}`, signal, 'POST');
        return { createdDatabase: false, createdPolicy: false, alteredPolicy: true, policyIsDefault: isDefault };
      }
      return { createdDatabase: false, createdPolicy: false, alteredPolicy: false, policyIsDefault: isDefault };
    },
    async write(body, database, retentionPolicy, signal) {
      await run(`POST /write db=${database} rp=${retentionPolicy}`, signal, () =>
        writer.discard({
          method: 'POST',
          path: '/write',
          query: { db: database, rp: retentionPolicy, precision: 'n' },
          body,
          auth,
          signal,
        }),
      );
    },
  };
}

/** For logs: the duration the policy will have, Go-style. */
export function describePolicy(policy: RetentionPolicySpec): string {
  return `${policy.name} (${policy.durationMs === 0 ? 'infinite' : formatDurationMs(policy.durationMs)})`;
}
