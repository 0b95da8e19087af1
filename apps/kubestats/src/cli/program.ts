/**
 * The `kubestats` command line: Heapster-compatible flags (`_` and `-` interchangeable), a YAML config file with
 * the same settings, and the subcommands run (default), validate, once, demo, components, top and explain.
 * `runCli` returns the exit code: 0 done, 1 failed at runtime, 2 usage or settings error.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, errorMessage, formatDurationMs, sleep, systemClock, type ConfigProblem } from '@kubestats/core';
import { Command, CommanderError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { renderExplainReport, type ExplainReport } from '../api/explain.js';
import { allFactories } from '../components.js';
import { composeApp } from '../compose.js';
import {
  canonicalSettingName,
  defaultDiagnosticsMaxKeys,
  defaultPort,
  defaultResolutionMs,
  logLevels,
  minResolutionMs,
  resolveSettings,
  settingForms,
  type RawSettings,
  type Settings,
} from '../settings.js';
import { renderBatchSummary } from './batch-summary.js';
import type { CliIo } from './cli-io.js';
import { createLogger } from './create-logger.js';
import { renderDemoFrame } from './demo-view.js';
import { fetchJson } from './fetch-json.js';
import { normalizeArgv, settingNameOfAttribute } from './normalize-argv.js';
import { renderTopNodes, renderTopPods } from './top-table.js';

/** A usage or settings error: printed with the valid form, exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

const defaultServer = `http://127.0.0.1:${defaultPort}`;
const demoResolutionMs = 5000;
const demoQuirks = 'duplicate-cgroup:20%';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The pipeline settings, shared by run, validate, once and demo. No commander defaults: a config file may set them. */
function addSettingOptions(command: Command): Command {
  return command
    .option('--source <uri>', 'Heapster source URI, e.g. kubernetes.summary_api:https://kubernetes.default?kubeletPort=10250&kubeletHttps=true; `sim` runs on the embedded simulated cluster')
    .option('--sink <uri>', 'sink URI (repeatable): memory, log, influxdb:http://host:8086?db=k8s, kafka:?brokers=host:9092 (memory is always added)', collect)
    .option('--metric-resolution <duration>', `scrape and rate window (default ${formatDurationMs(defaultResolutionMs)}, minimum ${formatDurationMs(minResolutionMs)})`)
    .option('--heapster-port <port>', `HTTP(S) API port (default ${defaultPort})`)
    .option('--port <port>', 'alias of --heapster-port (Heapster v1.2)')
    .option('--listen-ip <ip>', 'address the API listens on (default: all interfaces)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls_key)')
    .option('--tls-key <file>', 'PEM private key of --tls_cert')
    .option('--tls-client-ca <file>', 'PEM CA bundle: require client certificates it signed')
    .option('--allowed-users <cns>', 'comma list of client certificate CNs allowed (with --tls_client_ca)')
    .option('--tls-generate', 'serve HTTPS with a self-signed certificate generated at start')
    .option('--sink-export-data-timeout <duration>', 'deadline of one sink export attempt (default 20s)')
    .option('--diagnostics-max-keys <n>', `keys the explain trail remembers; when full the oldest tenth is forgotten (default ${defaultDiagnosticsMaxKeys})`)
    .option('--label-separator <text>', 'separator of the joined `labels` label (default ",")')
    .option('--ignore-label <labels>', 'object labels left out of the `labels` label (comma list)')
    .option('--store-label <labels>', 'object labels also stored as their own label: name or newName=name (comma list)')
    .option('--config <file>', 'YAML file with the same settings (flag names as keys); flags override it')
    .addOption(new Option('--log-level <level>', 'log level (default info)').choices(logLevels))
    .option('--simulate', 'run on the embedded simulated cluster (kubelet-sim), same as --source=sim')
    .option('--sim-nodes <n>', 'simulated nodes (default 3)')
    .option('--sim-pods-per-node <n>', 'simulated pods per node (default 8)')
    .option('--sim-containers-per-pod <n>', 'simulated containers per pod (default 2)')
    .option('--sim-quirks <list>', 'kubelet-sim quirks, e.g. duplicate-cgroup:25%,dead:node-2')
    .option('--sim-seed <n>', 'workload seed (default 1)')
    .option('--sim-source <type>', 'source type used on the simulated cluster (default kubernetes.summary_api)');
}

async function readConfigFile(path: string): Promise<RawSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${path}: cannot read it: ${errorMessage(error)}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--config ${path}: not valid YAML: ${errorMessage(error)}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) throw new UsageError(`--config ${path}: expected a mapping of settings, got ${Array.isArray(document) ? 'a list' : typeof document}`);
  return document as RawSettings;
}

/** Flags over the config file, validated together; problems name the file when they come from it. */
async function settingsFrom(options: Record<string, unknown>, overrides: RawSettings = {}): Promise<Settings> {
  const flags: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(options)) {
    if (attribute !== 'config' && value !== undefined) flags[settingNameOfAttribute(attribute)] = value;
  }
  const configPath = typeof options.config === 'string' ? options.config : undefined;
  const fromFile = configPath === undefined ? {} : await readConfigFile(configPath);
  const fileKeys = new Set(Object.keys(fromFile).map(canonicalSettingName));
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fromFile)) merged[canonicalSettingName(key)] = value;
  // A flag given as --port overrides a file's heapster_port: both canonicalise to the same key.
  for (const [key, value] of Object.entries(flags)) merged[canonicalSettingName(key)] = value;
  if (flags.port !== undefined && flags.heapster_port !== undefined) {
    throw new ConfigError('settings', [{ path: 'heapster_port', message: 'given twice (as --heapster-port and --port)' }]);
  }
  for (const [key, value] of Object.entries(overrides)) if (merged[key] === undefined) merged[key] = value;
  try {
    return resolveSettings(merged);
  } catch (error) {
    if (!(error instanceof ConfigError) || configPath === undefined) throw error;
    const problems: ConfigProblem[] = error.problems.map((problem) => {
      const root = problem.path.split(/[.[]/)[0] ?? '';
      return fileKeys.has(root) && flags[root] === undefined ? { path: `${configPath}: ${problem.path}`, message: problem.message } : problem;
    });
    throw new ConfigError('settings', problems);
  }
}

function describeSettings(settings: Settings): string {
  return [
    `source: ${settings.simulation ? `simulated cluster (${settings.simulation.nodes} nodes x ${settings.simulation.podsPerNode} pods x ${settings.simulation.containersPerPod} containers, ${settings.simulation.sourceType}${settings.simulation.quirks ? `, quirks ${settings.simulation.quirks}` : ''})` : settings.source}`,
    `sinks: ${['memory (always)', ...settings.sinks.filter((sink) => !sink.startsWith('memory'))].join(', ')}`,
    `metric resolution: ${formatDurationMs(settings.resolutionMs)}`,
    `API: ${settings.tls.certFile || settings.tls.generate ? 'https' : 'http'}://${settings.listenIp || '0.0.0.0'}:${settings.port}`,
    `explain trail: up to ${settings.diagnosticsMaxKeys} keys`,
  ].join('\n');
}

function renderComponents(): string {
  const lines: string[] = [];
  for (const kind of ['source', 'processor', 'sink'] as const) {
    lines.push(`${kind}s:`);
    for (const factory of allFactories.filter((candidate) => candidate.kind === kind)) {
      lines.push(`  ${factory.type}  ${factory.description}`);
      for (const [name, spec] of Object.entries(factory.configSchema)) {
        const shown = spec.secret
          ? '(secret)'
          : spec.default === undefined
            ? spec.required
              ? 'required'
              : 'unset'
            : spec.type === 'duration'
              ? formatDurationMs(spec.default)
              : JSON.stringify(spec.default);
        const type = spec.type === 'enum' ? spec.values.join('|') : spec.type;
        lines.push(`      ${name} (${type}, default ${shown}): ${spec.description}`);
      }
    }
    lines.push('');
  }
  lines.push('Options go in the URI query, e.g. --sink=influxdb:http://127.0.0.1:8086?db=k8s&retention=7d');
  return lines.join('\n');
}

function serverUrl(options: { server?: string }): string {
  return (options.server ?? defaultServer).replace(/\/+$/, '');
}

function printSettingsProblems(io: CliIo, error: ConfigError): void {
  for (const problem of error.problems) {
    io.stderr.write(`error: ${problem.path}: ${problem.message}\n`);
    const root = (problem.path.split(': ').at(-1) ?? '').split(/[.[]/)[0] ?? '';
    const form = settingForms[root];
    if (form) io.stderr.write(`  valid form: ${form}\n`);
  }
  io.stderr.write("Run 'kubestats --help' for usage.\n");
}

interface DemoOptions {
  readonly framesWithoutTty: number;
}

async function runLongLived(settings: Settings, io: CliIo, demo: DemoOptions | undefined): Promise<number> {
  const logFile = demo ? join(tmpdir(), `kubestats-demo-${process.pid}.log`) : undefined;
  const logger = createLogger({ level: settings.logLevel, pretty: io.stdout.isTTY === true, ...(logFile ? { file: logFile } : {}) });
  const app = await composeApp({ settings, logger, env: io.env });
  const stop = io.untilStopped();
  let frames = 0;
  const draw = (text: string) => {
    if (io.stdout.isTTY) {
      io.stdout.write(`\x1b[2J\x1b[H${text}\n`);
    } else if (frames < (demo?.framesWithoutTty ?? 0)) {
      io.stdout.write(`${text}\n\n`);
      frames += 1;
      if (frames === demo?.framesWithoutTty) io.stdout.write('(stdout is not a terminal: no more frames; kubestats keeps running until stopped)\n');
    }
  };
  let apiUrl: string | undefined;
  try {
    if (demo) {
      draw(renderDemoFrame({ batch: undefined, metadata: undefined, diagnostics: app.pipeline.diagnostics, resolutionMs: settings.resolutionMs, apiUrl, logFile, cyclesCompleted: 0 }));
      app.pipeline.onCycle((report) => {
        draw(
          renderDemoFrame({
            batch: report.batch,
            metadata: app.metadata,
            diagnostics: app.pipeline.diagnostics,
            resolutionMs: settings.resolutionMs,
            apiUrl,
            logFile,
            cyclesCompleted: app.pipeline.health().cyclesCompleted,
          }),
        );
      });
    }
    apiUrl = await app.start();
    if (!demo) io.stderr.write(`kubestats serving on ${apiUrl ?? '(no API)'}; ${describeSettings(settings).replace(/\n/g, '; ')}\n`);
    // The demo shows a first sample right away instead of waiting for the first aligned tick.
    if (demo) void app.pipeline.runOnce().catch((error: unknown) => logger.error({ err: error }, 'first demo cycle failed'));
    const signal = await stop;
    logger.info({ signal }, 'stopping');
    if (demo && io.stdout.isTTY) io.stdout.write('\nstopping…\n');
  } finally {
    await app.stop();
    logger.flush();
  }
  return 0;
}

/** Builds the commander program; actions record their exit code in `result`. */
function buildProgram(io: CliIo, result: { code: number }): Command {
  const program = new Command('kubestats')
    .description('Kubernetes resource metrics: scrape kubelets, compute rates, enrich, aggregate, export, serve metrics.k8s.io and explain every missing metric.')
    .version('0.1.0')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .addHelpText('after', '\nFlag names accept `_` or `-` (--metric_resolution = --metric-resolution).\nQuick demo: kubestats demo   (a simulated cluster, live top view, API on http://127.0.0.1:8082)');

  addSettingOptions(program.command('run', { isDefault: true }).description('run the pipeline and serve the API until SIGINT/SIGTERM (default command)')).action(
    async (options: Record<string, unknown>) => {
      result.code = await runLongLived(await settingsFrom(options), io, undefined);
    },
  );

  addSettingOptions(program.command('validate').description('check the settings (flags and --config) and print the effective ones')).action(
    async (options: Record<string, unknown>) => {
      const settings = await settingsFrom(options);
      io.stdout.write(`configuration is valid\n${describeSettings(settings)}\n`);
    },
  );

  addSettingOptions(program.command('once').description('run one cycle now and print the batch summary; --cycles=N runs N, one per resolution (rates need a second sample)'))
    .option('--cycles <n>', 'cycles to run (default 1)', '1')
    .action(async (options: Record<string, unknown>) => {
      const { cycles, ...rest } = options;
      const count = Number(cycles);
      if (!Number.isInteger(count) || count < 1 || count > 100) throw new UsageError(`--cycles: expected an integer 1-100, got ${JSON.stringify(cycles)}`);
      const settings = await settingsFrom(rest);
      const logger = createLogger({ level: settings.logLevel, pretty: io.stdout.isTTY === true });
      const app = await composeApp({ settings, logger, env: io.env, serveApi: false });
      try {
        await app.prepare();
        for (let cycle = 0; cycle < count; cycle++) {
          // Each cycle covers the last complete window: wait for the next one to close so rates have a new sample.
          if (cycle > 0) await sleep(systemClock, settings.resolutionMs - (Date.now() % settings.resolutionMs) + 50);
          const report = await app.pipeline.runOnce();
          io.stdout.write(`${renderBatchSummary(report)}\n`);
        }
      } finally {
        await app.stop();
        logger.flush();
      }
    });

  addSettingOptions(program.command('demo').description('the quick start: a simulated cluster, kubestats on it with a 5s resolution, and a live top view until Ctrl-C'))
    .action(async (options: Record<string, unknown>) => {
      const settings = await settingsFrom(options, {
        simulate: true,
        metric_resolution: demoResolutionMs,
        listen_ip: '127.0.0.1',
        log_level: 'info',
        // Heapster's famous failure, on a fifth of the pods: the view marks them and `explain` says what was kept.
        sim_quirks: demoQuirks,
      });
      result.code = await runLongLived(settings, io, { framesWithoutTty: 3 });
    });

  program
    .command('components')
    .description('list every source, processor and sink with its description and options')
    .action(() => {
      io.stdout.write(`${renderComponents()}\n`);
    });

  program
    .command('top')
    .description('a kubectl-top-like table from a running kubestats (metrics.k8s.io/v1beta1)')
    .argument('<resource>', 'nodes or pods')
    .option('-n, --namespace <ns>', 'pods of this namespace (default: all namespaces)')
    .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
    .option('--server <url>', `kubestats API (default ${defaultServer})`)
    .action(async (resource: string, options: { namespace?: string; selector?: string; server?: string }) => {
      const kind = { node: 'nodes', nodes: 'nodes', no: 'nodes', pod: 'pods', pods: 'pods', po: 'pods' }[resource];
      if (!kind) throw new UsageError(`top: unknown resource ${JSON.stringify(resource)}; valid form: kubestats top nodes|pods [-n NS] [-l SELECTOR] [--server URL]`);
      if (kind === 'nodes' && options.namespace !== undefined) throw new UsageError('top nodes: nodes have no namespace; valid form: kubestats top nodes [-l SELECTOR]');
      const query = options.selector === undefined ? '' : `?labelSelector=${encodeURIComponent(options.selector)}`;
      const base = `${serverUrl(options)}/apis/metrics.k8s.io/v1beta1`;
      if (kind === 'nodes') {
        io.stdout.write(`${renderTopNodes(await fetchJson(`${base}/nodes${query}`))}\n`);
      } else {
        const path = options.namespace === undefined ? '/pods' : `/namespaces/${encodeURIComponent(options.namespace)}/pods`;
        io.stdout.write(`${renderTopPods(await fetchJson(`${base}${path}${query}`), { allNamespaces: options.namespace === undefined })}\n`);
      }
    });

  program
    .command('explain')
    .description('why a pod or node has (no) metrics: the latest values and the ordered diagnostics')
    .argument('<kind>', 'pod or node')
    .argument('<name>', 'NAMESPACE/NAME for a pod, NAME for a node')
    .option('--server <url>', `kubestats API (default ${defaultServer})`)
    .option('-o, --output <format>', 'text (default) or json')
    .action(async (kind: string, name: string, options: { server?: string; output?: string }) => {
      let path: string;
      if (kind === 'pod' || kind === 'pods' || kind === 'po') {
        const [namespace, pod, ...rest] = name.split('/');
        if (!namespace || !pod || rest.length > 0) throw new UsageError(`explain pod: expected NAMESPACE/NAME, got ${JSON.stringify(name)}; valid form: kubestats explain pod default/web-1`);
        path = `/api/v1/explain/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
      } else if (kind === 'node' || kind === 'nodes' || kind === 'no') {
        path = `/api/v1/explain/nodes/${encodeURIComponent(name)}`;
      } else {
        throw new UsageError(`explain: unknown kind ${JSON.stringify(kind)}; valid form: kubestats explain pod NS/NAME | node NAME`);
      }
      if (options.output !== undefined && options.output !== 'text' && options.output !== 'json') throw new UsageError(`explain: -o must be text or json, got ${JSON.stringify(options.output)}`);
      const report = (await fetchJson(`${serverUrl(options)}${path}`)) as ExplainReport;
      io.stdout.write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${renderExplainReport(report)}\n`);
    });

  return program;
}

/** Runs the CLI on `args` (process.argv without node and the script); resolves with the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const result = { code: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(normalizeArgv(args), { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // Commander already printed what is wrong; add where the valid forms are.
      io.stderr.write("Run 'kubestats --help' (or 'kubestats <command> --help') for the valid forms.\n");
      return 2;
    }
    if (error instanceof ConfigError) {
      printSettingsProblems(io, error);
      return 2;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`error: ${errorMessage(error)}\n`);
    return 1;
  }
}
