/**
 * The composition root: from validated Settings, build the cluster metadata (when the source reaches an apiserver),
 * the source, the processor chain in Heapster's order, the sinks (the memory sink always, since it backs the API),
 * the pipeline and the HTTP API; then start and stop them in order. The embedded simulated cluster (kubelet-sim)
 * is started first when the settings ask for it, and its apiserver becomes the source's.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  DiagnosticsLog,
  errorMessage,
  parseOptions,
  parsePluginUri,
  resolvePluginConfig,
  systemClock,
  type Clock,
  type ClusterMetadata,
  type ConfigSchema,
  type Logger,
  type PluginFactory,
  type PluginKind,
  type Processor,
  type Sink,
  type Source,
} from '@kubestats/core';
import { createKubeMetadata, kubeMetadataOptionsFromSourceUri, type KubeMetadata } from '@kubestats/kube-metadata';
import { createPipeline, resolveTiming, type Pipeline } from '@kubestats/pipeline';
import { memorySinkFactory, type MemorySink } from '@kubestats/sink-memory';
import type { FastifyInstance } from 'fastify';
import { parseQuirks, startSimulatedCluster, type SimulatedCluster } from 'kubelet-sim';
import type { Logger as PinoLogger } from 'pino';
import { generate as generateCertificate } from 'selfsigned';
import type { ApiContext } from './api/api-context.js';
import { createApiServer, type ServerTlsOptions } from './api/server.js';
import { findSinkFactory, findSourceFactory, processorFactories } from './components.js';
import type { Settings } from './settings.js';

export interface ComposeOptions {
  readonly settings: Settings;
  readonly logger: PinoLogger;
  readonly clock?: Clock;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Build the HTTP API (default true); `once` and `validate` do without. */
  readonly serveApi?: boolean;
  /** Bound of each stop phase, passed to the pipeline (default: the pipeline's 25 s). */
  readonly stopTimeoutMs?: number;
  /** How long start() waits for the cluster metadata's first list (default 30 s). */
  readonly metadataSyncTimeoutMs?: number;
}

export interface KubestatsApp {
  readonly settings: Settings;
  /** The source URI in use (the simulator's apiserver filled in when simulating). */
  readonly sourceUri: string;
  readonly pipeline: Pipeline;
  readonly memory: MemorySink;
  readonly metadata: KubeMetadata | undefined;
  readonly simulation: SimulatedCluster | undefined;
  readonly api: FastifyInstance | undefined;
  readonly apiContext: ApiContext;
  /** Syncs the metadata, starts the pipeline's ticks and listens; resolves with the API's URL (if any). */
  start(): Promise<string | undefined>;
  /** Syncs the metadata (once) without ticking; for `once` and the end-to-end tests' runOnce(). */
  prepare(): Promise<void>;
  /** Opens the API port (settings.port; 0 = any free one); resolves with the URL, undefined without an API. */
  listen(): Promise<string | undefined>;
  /** Stops in reverse order: API, pipeline (flushes sinks within its bound), metadata, simulation. Idempotent. */
  stop(): Promise<void>;
}

type AnyPluginFactory = PluginFactory<PluginKind, ConfigSchema, unknown>;

/** Options the app derives from its own settings and hands to each plugin whose schema declares them. */
function appLevelOptions(settings: Settings): Record<string, unknown> {
  return {
    label_separator: settings.labelSeparator,
    ignore_label: settings.ignoreLabels,
    store_label: settings.storeLabels,
    // A container first seen within one resolution of its start gets a rate from its first scrape.
    freshContainerWindow: settings.resolutionMs,
  };
}

function configFor(factory: AnyPluginFactory, raw: Record<string, unknown>): unknown {
  const declared = Object.fromEntries(Object.entries(raw).filter(([name]) => Object.hasOwn(factory.configSchema, name)));
  const parsed = parseOptions(factory.configSchema, declared, `${factory.kind} ${factory.type}: `);
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
  return parsed.config;
}

/**
 * The per-kubelet timeout must end before the cycle's scrape deadline, or one hung kubelet holds the whole scrape
 * past the deadline and every node's data of that cycle is lost. Left at its default, it is cut to 80 % of the
 * deadline; set explicitly too long, it is kept and warned about.
 */
export function fitKubeletTimeout<C>(config: C, setExplicitly: boolean, resolutionMs: number, logger: Pick<Logger, 'warn'>): C {
  const timeoutMs = (config as { timeoutMs?: unknown }).timeoutMs;
  if (typeof timeoutMs !== 'number') return config;
  const { scrapeTimeoutMs } = resolveTiming({ sources: [], processors: [], sinks: [], resolutionMs });
  if (timeoutMs < scrapeTimeoutMs) return config;
  if (setExplicitly) {
    logger.warn({ timeoutMs, scrapeTimeoutMs }, 'kubelet timeoutMs is not below the scrape deadline: one hung kubelet delays the whole scrape past it');
    return config;
  }
  return { ...config, timeoutMs: Math.max(1, Math.floor(scrapeTimeoutMs * 0.8)) };
}

/** The simulated cluster's source URI: its apiserver, no credentials, kubelet ports from the node status. */
export function simulatedSourceUri(sourceType: string, apiServerUrl: string): string {
  return `${sourceType}:${apiServerUrl}?inClusterConfig=false&useNodeStatusPort=true`;
}

async function serverTls(settings: Settings): Promise<ServerTlsOptions | undefined> {
  const { tls } = settings;
  const clientCa = tls.clientCaFile === undefined ? undefined : await readFile(tls.clientCaFile);
  const clientAuth = { ...(clientCa ? { clientCa } : {}), allowedUsers: tls.allowedUsers };
  if (tls.certFile !== undefined && tls.keyFile !== undefined) {
    return { cert: await readFile(tls.certFile), key: await readFile(tls.keyFile), ...clientAuth };
  }
  if (!tls.generate) return undefined;
  const pems = await generateCertificate([{ name: 'commonName', value: 'kubestats' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          ...(settings.listenIp === '' ? [] : [{ type: 7 as const, ip: settings.listenIp }]),
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private, ...clientAuth };
}

export async function composeApp(options: ComposeOptions): Promise<KubestatsApp> {
  const { settings, logger } = options;
  const clock = options.clock ?? systemClock;
  const env = options.env ?? process.env;
  const pluginLogger = (component: string): Logger => logger.child({ component });

  let simulation: SimulatedCluster | undefined;
  let sourceUri = settings.source;
  if (settings.simulation) {
    const sim = settings.simulation;
    simulation = await startSimulatedCluster({
      nodes: sim.nodes,
      podsPerNode: sim.podsPerNode,
      containersPerPod: sim.containersPerPod,
      seed: sim.seed,
      quirks: sim.quirks === '' ? [] : parseQuirks(sim.quirks),
    });
    sourceUri = simulatedSourceUri(sim.sourceType, simulation.apiServerUrl);
    logger.info({ apiServerUrl: simulation.apiServerUrl, nodes: sim.nodes }, 'simulated cluster started');
  }

  try {
    const parsedSource = parsePluginUri(sourceUri, env);
    if (!parsedSource.ok) throw new Error(`source: ${parsedSource.message}`);
    const sourceFactory = findSourceFactory(parsedSource.uri.type);
    if (!sourceFactory) throw new Error(`source: unknown type ${JSON.stringify(parsedSource.uri.type)}`);
    const resolvedSource = resolvePluginConfig(sourceFactory, sourceUri, env);
    const sourceConfig = {
      ...resolvedSource,
      config: fitKubeletTimeout(resolvedSource.config, Object.hasOwn(parsedSource.uri.options, 'timeoutMs'), settings.resolutionMs, logger),
    };
    const config = sourceConfig.config as { kubelets?: readonly string[]; inClusterConfig?: boolean; auth?: string; insecure?: boolean };

    // Static kubelet lists need no apiserver; every other source discovers nodes through the metadata.
    const metadata =
      (config.kubelets ?? []).length > 0
        ? undefined
        : createKubeMetadata({
            ...kubeMetadataOptionsFromSourceUri(sourceConfig.target, {
              ...(config.inClusterConfig === undefined ? {} : { inClusterConfig: config.inClusterConfig }),
              ...(config.auth === undefined ? {} : { auth: config.auth }),
              ...(config.insecure === undefined ? {} : { insecure: config.insecure }),
            }),
            logger: pluginLogger('kube-metadata'),
            clock,
          });
    const clusterMetadata: ClusterMetadata | undefined = metadata;
    // The kubelet source warns for its own connections; the apiserver's verification is switched off here, silently otherwise.
    if (metadata && config.insecure === true) {
      logger.warn({ apiServer: sourceConfig.target ?? 'in-cluster' }, 'apiserver TLS certificate verification is disabled (insecure=true)');
    }

    const source: Source = sourceFactory.create({
      config: sourceConfig.config,
      target: sourceConfig.target,
      logger: pluginLogger(`source/${sourceFactory.type}`),
      clock,
      metadata: clusterMetadata,
    });

    const appOptions = appLevelOptions(settings);
    const processors: Processor[] = processorFactories.map((factory) =>
      factory.create({
        config: configFor(factory, appOptions) as never,
        target: undefined,
        logger: pluginLogger(`processor/${factory.type}`),
        clock,
        metadata: clusterMetadata,
      }),
    );

    // The memory sink backs the API: the user's `--sink=memory?…` when given, the default one otherwise.
    const sinkUris = settings.sinks.some((uri) => parsePluginUri(uri, env).ok && uri.split(/[:?]/)[0] === memorySinkFactory.type)
      ? settings.sinks
      : [memorySinkFactory.type, ...settings.sinks];
    let memory: MemorySink | undefined;
    const sinks: Sink[] = sinkUris.map((uri) => {
      const type = uri.split(/[:?]/)[0] ?? '';
      if (type === memorySinkFactory.type) {
        const resolved = resolvePluginConfig(memorySinkFactory, uri, env);
        memory = memorySinkFactory.create({ ...resolved, logger: pluginLogger('sink/memory'), clock, metadata: clusterMetadata });
        return memory;
      }
      const factory = findSinkFactory(type);
      if (!factory) throw new Error(`sink ${JSON.stringify(uri)}: unknown type ${JSON.stringify(type)}`);
      const resolved = resolvePluginConfig(factory, uri, env);
      return factory.create({ ...resolved, logger: pluginLogger(`sink/${factory.type}`), clock, metadata: clusterMetadata });
    });
    if (!memory) throw new Error('compose: the memory sink is missing');
    const memorySink: MemorySink = memory;

    const pipeline = createPipeline({
      sources: [source],
      processors,
      sinks: sinks.map((sink) => ({ sink, exportTimeoutMs: settings.sinkExportTimeoutMs })),
      resolutionMs: settings.resolutionMs,
      diagnostics: new DiagnosticsLog({ maxKeys: settings.diagnosticsMaxKeys }),
      clock,
      logger: pluginLogger('pipeline'),
      ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
    });

    const apiContext: ApiContext = {
      store: memorySink,
      metadata: clusterMetadata,
      diagnostics: pipeline.diagnostics,
      health: () => pipeline.health(),
      registry: pipeline.registry,
      resolutionMs: settings.resolutionMs,
      now: () => clock.now(),
    };
    const tls = options.serveApi === false ? undefined : await serverTls(settings);
    const api =
      options.serveApi === false
        ? undefined
        : createApiServer({ context: apiContext, logger: logger.child({ component: 'api' }), ...(tls ? { tls } : {}) });

    const metadataAbort = new AbortController();
    let prepared: Promise<void> | undefined;
    let stopped: Promise<void> | undefined;

    const prepare = (): Promise<void> => {
      prepared ??= (async () => {
        if (!metadata) return;
        const timeoutMs = options.metadataSyncTimeoutMs ?? 30_000;
        // The URL is known once start() has read the kube config; the error names it so a hung apiserver is identifiable.
        const timer = setTimeout(
          () => metadataAbort.abort(new Error(`cluster metadata: apiserver ${metadata.apiServerUrl ?? sourceConfig.target ?? '(in-cluster)'}: no initial list within ${timeoutMs} ms`)),
          timeoutMs,
        );
        try {
          await metadata.start(metadataAbort.signal);
        } finally {
          clearTimeout(timer);
        }
        logger.info({ apiServerUrl: metadata.apiServerUrl, nodes: metadata.listNodes().length, pods: metadata.listPods().length }, 'cluster metadata synced');
      })();
      return prepared;
    };

    const stopAll = async (): Promise<void> => {
      const failures: string[] = [];
      const step = async (name: string, action: (() => Promise<unknown>) | undefined): Promise<void> => {
        if (!action) return;
        try {
          await action();
        } catch (error) {
          failures.push(`${name}: ${errorMessage(error)}`);
        }
      };
      await step('api', api ? () => api.close() : undefined);
      await step('pipeline', () => pipeline.stop());
      metadataAbort.abort(new Error('kubestats stopping'));
      await step('cluster metadata', metadata ? () => metadata.stop() : undefined);
      await step('simulated cluster', simulation ? () => simulation.stop() : undefined);
      if (failures.length > 0) throw new Error(`kubestats stop: ${failures.join('; ')}`);
    };

    return {
      settings,
      sourceUri,
      pipeline,
      memory: memorySink,
      metadata,
      simulation,
      api,
      apiContext,
      prepare,
      async start() {
        await prepare();
        await pipeline.start();
        return listen();
      },
      stop() {
        stopped ??= stopAll();
        return stopped;
      },
      listen,
    };

    async function listen(): Promise<string | undefined> {
        if (!api) return undefined;
        await api.listen({ port: settings.port, host: settings.listenIp === '' ? '0.0.0.0' : settings.listenIp });
        const address = api.server.address() as AddressInfo;
        const host = settings.listenIp === '' || settings.listenIp === '::' || settings.listenIp === '0.0.0.0' ? '127.0.0.1' : settings.listenIp;
        const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
        logger.info({ url, resolutionMs: settings.resolutionMs, source: sourceUri }, 'kubestats serving');
        return url;
    }
  } catch (error) {
    await simulation?.stop();
    throw error;
  }
}
