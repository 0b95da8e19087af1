/**
 * The app's settings: one flat set of Heapster-named keys, read from flags or from a YAML config file (the same
 * names, `_` and `-` interchangeable), validated with zod so every problem is reported at once with its path, and
 * resolved into the typed Settings the composition root builds from. Source and sink URIs are checked against
 * their factory's option schema here, so a typo in `?db=` is a settings error, not a runtime failure.
 */
import { ConfigError, formatDurationMs, parseDurationMs, parsePluginUri, resolvePluginConfig, type ConfigProblem } from '@kubestats/core';
import { z } from 'zod';
import { findFactory, typesOf } from './components.js';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const minResolutionMs = 1000;
export const defaultResolutionMs = 60_000;
export const defaultPort = 8082;
export const defaultSinkExportTimeoutMs = 20_000;
/** Keys the diagnostics log (what explain reads) remembers: a 1,000-node fleet's first cycle records ~94,000. */
export const defaultDiagnosticsMaxKeys = 100_000;
/** The source value that runs kubestats on the embedded simulated cluster (kubelet-sim). */
export const simulatedSource = 'sim';

export interface SimulationSettings {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly containersPerPod: number;
  /** kubelet-sim's quirk list, e.g. `duplicate-cgroup:10%,dead:node-2`; empty for none. */
  readonly quirks: string;
  readonly seed: number;
  /** The source type scraped on the simulated cluster. */
  readonly sourceType: string;
}

export interface TlsSettings {
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly clientCaFile: string | undefined;
  readonly allowedUsers: readonly string[];
  /** Serve HTTPS with a self-signed certificate generated at start. */
  readonly generate: boolean;
}

export interface Settings {
  /** The Heapster source URI; `sim` when `simulation` is set (compose fills in the simulator's URL). */
  readonly source: string;
  readonly sinks: readonly string[];
  readonly resolutionMs: number;
  readonly port: number;
  /** Empty: every interface. */
  readonly listenIp: string;
  readonly tls: TlsSettings;
  readonly sinkExportTimeoutMs: number;
  readonly diagnosticsMaxKeys: number;
  readonly labelSeparator: string;
  readonly ignoreLabels: readonly string[];
  readonly storeLabels: readonly string[];
  readonly logLevel: LogLevel;
  readonly simulation: SimulationSettings | undefined;
}

/** The valid form of each setting, printed with a flag error. */
export const settingForms: Readonly<Record<string, string>> = {
  source: '--source=kubernetes.summary_api:https://kubernetes.default[?options] (or --source=sim)',
  sink: '--sink=memory | log | influxdb:http://host:8086?db=k8s | kafka:?brokers=host:9092&timeseriestopic=heapster (repeatable)',
  metric_resolution: `--metric_resolution=<duration, at least ${formatDurationMs(minResolutionMs)}, e.g. 15s or 1m>`,
  heapster_port: '--heapster-port=<port 0-65535> (alias --port)',
  listen_ip: '--listen_ip=<IP address, empty for all interfaces>',
  tls_cert: '--tls_cert=<PEM file> together with --tls_key=<PEM file>',
  tls_key: '--tls_key=<PEM file> together with --tls_cert=<PEM file>',
  tls_client_ca: '--tls_client_ca=<PEM file> (needs --tls_cert/--tls_key or --tls_generate)',
  allowed_users: '--allowed_users=<CN>[,<CN>…] (needs --tls_client_ca)',
  tls_generate: '--tls_generate (serve HTTPS with a generated self-signed certificate)',
  sink_export_data_timeout: '--sink_export_data_timeout=<duration, e.g. 20s>',
  diagnostics_max_keys: '--diagnostics_max_keys=<integer 1000-10000000>',
  label_separator: '--label_separator=<string, default ",">',
  ignore_label: '--ignore_label=<label>[,<label>…]',
  store_label: '--store_label=<label or newName=label>[,…]',
  log_level: `--log-level=<${logLevels.join('|')}>`,
  simulate: '--simulate (or --source=sim)',
  sim_nodes: '--sim-nodes=<integer 1-1000>',
  sim_pods_per_node: '--sim-pods-per-node=<integer 0-500>',
  sim_containers_per_pod: '--sim-containers-per-pod=<integer 1-20>',
  sim_quirks: '--sim-quirks=<kind[=value][:target]>[,…], e.g. duplicate-cgroup:25%,dead:node-2',
  sim_seed: '--sim-seed=<integer>',
  sim_source: '--sim-source=<kubernetes.summary_api|kubernetes|kubernetes.resource_metrics>',
};

/** Setting names in canonical form: Heapster's spelling with `_` (`heapster_port`), `port` as its alias. */
export function canonicalSettingName(name: string): string {
  const canonical = name.replace(/-/g, '_');
  return canonical === 'port' ? 'heapster_port' : canonical;
}

const text = z.string();
const list = z
  .union([z.string(), z.array(z.union([z.string(), z.number()]))])
  .transform((value) => (Array.isArray(value) ? value.map(String) : value.split(',')).map((item) => item.trim()).filter((item) => item !== ''));
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', '']).transform((value) => value === 'true' || value === '1' || value === ''),
]);

function integer(min: number, max: number) {
  return z
    .union([z.number(), z.string().regex(/^-?\d+$/, 'expected an integer').transform(Number)])
    .pipe(z.number().int('expected an integer').min(min).max(max));
}

function duration(minMs: number) {
  return z.union([z.number(), z.string()]).transform((value, context) => {
    const ms = typeof value === 'number' ? value : parseDurationMs(value);
    if (ms === undefined || !Number.isFinite(ms)) {
      context.addIssue({ code: 'custom', message: `expected a duration such as 15s, 1m30s or 500ms, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (ms < minMs) {
      context.addIssue({ code: 'custom', message: `must be at least ${formatDurationMs(minMs)}, got ${formatDurationMs(ms)}` });
      return z.NEVER;
    }
    return ms;
  });
}

const rawSettingsSchema = z.strictObject({
  source: text.optional(),
  sink: list.optional(),
  metric_resolution: duration(minResolutionMs).optional(),
  heapster_port: integer(0, 65_535).optional(),
  listen_ip: z.union([z.literal(''), z.ipv4(), z.ipv6()]).optional(),
  tls_cert: text.optional(),
  tls_key: text.optional(),
  tls_client_ca: text.optional(),
  allowed_users: list.optional(),
  tls_generate: bool.optional(),
  sink_export_data_timeout: duration(1).optional(),
  diagnostics_max_keys: integer(1000, 10_000_000).optional(),
  label_separator: text.optional(),
  ignore_label: list.optional(),
  store_label: list.optional(),
  log_level: z.enum(logLevels).optional(),
  simulate: bool.optional(),
  sim_nodes: integer(1, 1000).optional(),
  sim_pods_per_node: integer(0, 500).optional(),
  sim_containers_per_pod: integer(1, 20).optional(),
  sim_quirks: text.optional(),
  sim_seed: integer(0, 2 ** 31 - 1).optional(),
  sim_source: z.enum(['kubernetes.summary_api', 'kubernetes', 'kubernetes.resource_metrics']).optional(),
});

export type RawSettings = Readonly<Record<string, unknown>>;

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`), '');
}

/** Renames keys to their canonical form; a key given under two spellings is a problem, not a silent pick. */
export function canonicalizeKeys(raw: RawSettings, problems: ConfigProblem[]): Record<string, unknown> {
  const canonical: Record<string, unknown> = {};
  const spelledAs: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const name = canonicalSettingName(key);
    const earlier = spelledAs[name];
    if (earlier !== undefined) {
      problems.push({ path: name, message: `given twice (as ${earlier} and ${key})` });
      continue;
    }
    spelledAs[name] = key;
    canonical[name] = value;
  }
  return canonical;
}

function checkPluginUri(kind: 'source' | 'sink', uri: string, path: string, problems: ConfigProblem[]): void {
  const parsed = parsePluginUri(uri, process.env);
  if (!parsed.ok) {
    problems.push({ path, message: parsed.message });
    return;
  }
  const factory = findFactory(kind, parsed.uri.type);
  if (!factory) {
    problems.push({ path, message: `unknown ${kind} type ${JSON.stringify(parsed.uri.type)}; known: ${typesOf(kind).join(', ')}` });
    return;
  }
  try {
    resolvePluginConfig(factory, uri, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) problems.push({ path: `${path}.${problem.path}`, message: problem.message });
  }
}

/**
 * Validates raw settings (flags over config file, already merged) into Settings; throws one ConfigError listing
 * every problem as `path: message`.
 */
export function resolveSettings(raw: RawSettings): Settings {
  const problems: ConfigProblem[] = [];
  const canonical = canonicalizeKeys(raw, problems);
  const parsed = rawSettingsSchema.safeParse(canonical);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          problems.push({ path: pathText([...issue.path, key]), message: `unknown setting; valid settings are ${Object.keys(rawSettingsSchema.shape).join(', ')}` });
        }
      } else {
        problems.push({ path: pathText(issue.path), message: issue.message });
      }
    }
    throw new ConfigError('settings', problems);
  }
  const value = parsed.data;
  const simulate = value.simulate === true || value.source === simulatedSource;
  if (!simulate && (value.source === undefined || value.source.trim() === '')) {
    problems.push({ path: 'source', message: 'is required (exactly one source URI), or use --simulate to run on a simulated cluster' });
  }
  if (!simulate && value.source !== undefined && value.source.trim() !== '') checkPluginUri('source', value.source, 'source', problems);
  const sinks = value.sink ?? [];
  sinks.forEach((sink, index) => checkPluginUri('sink', sink, `sink[${index}]`, problems));
  if ((value.tls_cert === undefined) !== (value.tls_key === undefined)) {
    problems.push({ path: value.tls_cert === undefined ? 'tls_cert' : 'tls_key', message: 'tls_cert and tls_key are given together' });
  }
  const tlsOn = value.tls_cert !== undefined || value.tls_generate === true;
  if (value.tls_client_ca !== undefined && !tlsOn) problems.push({ path: 'tls_client_ca', message: 'needs TLS (tls_cert/tls_key or tls_generate)' });
  if ((value.allowed_users ?? []).length > 0 && value.tls_client_ca === undefined) {
    problems.push({ path: 'allowed_users', message: 'needs tls_client_ca (client certificates carry the user names)' });
  }
  if (value.tls_generate === true && value.tls_cert !== undefined) {
    problems.push({ path: 'tls_generate', message: 'conflicts with tls_cert/tls_key: generate a certificate or give one' });
  }
  if (!simulate) {
    for (const key of ['sim_nodes', 'sim_pods_per_node', 'sim_containers_per_pod', 'sim_quirks', 'sim_seed', 'sim_source'] as const) {
      if (value[key] !== undefined) problems.push({ path: key, message: 'only applies with --simulate (or --source=sim)' });
    }
  }
  if (problems.length > 0) throw new ConfigError('settings', problems);
  return {
    source: simulate ? simulatedSource : (value.source ?? '').trim(),
    sinks,
    resolutionMs: value.metric_resolution ?? defaultResolutionMs,
    port: value.heapster_port ?? defaultPort,
    listenIp: value.listen_ip ?? '',
    tls: {
      certFile: value.tls_cert,
      keyFile: value.tls_key,
      clientCaFile: value.tls_client_ca,
      allowedUsers: value.allowed_users ?? [],
      generate: value.tls_generate ?? false,
    },
    sinkExportTimeoutMs: value.sink_export_data_timeout ?? defaultSinkExportTimeoutMs,
    diagnosticsMaxKeys: value.diagnostics_max_keys ?? defaultDiagnosticsMaxKeys,
    labelSeparator: value.label_separator ?? ',',
    ignoreLabels: value.ignore_label ?? [],
    storeLabels: value.store_label ?? [],
    logLevel: value.log_level ?? 'info',
    simulation: simulate
      ? {
          nodes: value.sim_nodes ?? 3,
          podsPerNode: value.sim_pods_per_node ?? 8,
          containersPerPod: value.sim_containers_per_pod ?? 2,
          quirks: value.sim_quirks ?? '',
          seed: value.sim_seed ?? 1,
          sourceType: value.sim_source ?? 'kubernetes.summary_api',
        }
      : undefined,
  };
}
