/**
 * The kubelet source: each cycle, discover kubelets (cluster metadata or the static `kubelets` list), fetch one
 * endpoint from each with bounded concurrency, decode, and merge into one DataBatch stamped with the window end.
 * A kubelet that fails is one ItemFailure with a precise reason; the others are unaffected. The scrape rejects only
 * when the cycle signal aborts (with its reason) or when there is nothing to scrape from (metadata not synced).
 */
import { readFile } from 'node:fs/promises';
import {
  abortReason,
  ConfigError,
  errorMessage,
  nodeKey,
  PermanentError,
  type ComponentHealth,
  type ConfigProblem,
  type DiagnosticInput,
  type DiagnosticReason,
  type ItemFailure,
  type PluginInit,
  type Source,
  type SourceResult,
  type TimeWindow,
} from '@kubestats/core';
import { DecodeError } from './decode/index.js';
import { discoverTargets } from './discovery/discover-targets.js';
import { targetAddress, type KubeletTarget } from './discovery/kubelet-target.js';
import { staticTargets } from './discovery/static-targets.js';
import type { KubeletSourceConfig } from './kubelet-config-schema.js';
import type { KubeletEndpoint } from './kubelet-endpoint.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { mergeNodeResults, type NodeSets } from './merge-node-results.js';
import { scrapeOrder } from './scrape-order.js';
import { BearerTokenFile, serviceAccountTokenPath } from './transport/bearer-token-file.js';
import { KubeletClient } from './transport/kubelet-client.js';
import { ScrapeError } from './transport/scrape-error.js';

export const serviceAccountCaPath = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

const knownAddressTypes = new Set(['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS']);

type NodeOutcome =
  | { readonly ok: true; readonly sets: NodeSets; readonly diagnostics: readonly DiagnosticInput[] }
  | { readonly ok: false; readonly failure: ItemFailure };

export interface KubeletSourceFiles {
  /** Where the service-account token and CA are read from (overridable for tests). */
  readonly serviceAccountTokenPath?: string;
  readonly serviceAccountCaPath?: string;
}

export class KubeletSource implements Source {
  readonly name = 'source/kubelet';
  readonly #init: PluginInit<KubeletSourceConfig>;
  readonly #endpoint: KubeletEndpoint;
  readonly #files: Required<KubeletSourceFiles>;
  readonly #staticTargets: readonly KubeletTarget[] | undefined;
  #client: KubeletClient | undefined;
  #lastCycle = 'no scrape yet';

  /** Validates the config (no I/O); throws a ConfigError listing every problem. */
  constructor(init: PluginInit<KubeletSourceConfig>, endpoint: KubeletEndpoint, files: KubeletSourceFiles = {}) {
    this.#init = init;
    this.#endpoint = endpoint;
    this.#files = {
      serviceAccountTokenPath: files.serviceAccountTokenPath ?? serviceAccountTokenPath,
      serviceAccountCaPath: files.serviceAccountCaPath ?? serviceAccountCaPath,
    };
    const { config } = init;
    const problems: ConfigProblem[] = [];
    const unknownTypes = config.addressTypes.filter((type) => !knownAddressTypes.has(type));
    if (unknownTypes.length > 0 || config.addressTypes.length === 0) {
      problems.push({ path: 'addressTypes', message: `expected some of ${[...knownAddressTypes].join(', ')}, got ${JSON.stringify(config.addressTypes)}` });
    }
    if (config.kubelets.length > 0) {
      const parsed = staticTargets(config.kubelets, { port: config.kubeletPort, https: config.kubeletHttps });
      if (parsed.ok) this.#staticTargets = parsed.targets;
      else problems.push(...parsed.problems);
    } else if (init.metadata === undefined) {
      problems.push({ path: 'kubelets', message: 'no cluster metadata (apiserver) and no kubelets=host:port,… list: nothing to scrape' });
    }
    if (problems.length > 0) throw new ConfigError(`source ${endpoint.path}`, problems);
  }

  /** Reads the bearer token and CA files and opens the connection pool; missing files are PermanentErrors. */
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw abortReason(signal);
    if (this.#client) return;
    const { config, logger } = this.#init;
    const tokenPath = config.tokenFile ?? (config.useServiceAccount ? this.#files.serviceAccountTokenPath : undefined);
    let token: BearerTokenFile | undefined;
    if (tokenPath !== undefined) {
      token = new BearerTokenFile(tokenPath, this.#init.clock, logger);
      await token.load();
      if (!config.kubeletHttps) logger.warn({ tokenPath }, 'kubelet bearer token configured but kubeletHttps=false: it is not sent over plain HTTP');
    }
    const ca = await this.#readCa();
    if (config.insecure && config.kubeletHttps) logger.warn({}, 'kubelet TLS certificate verification is disabled (insecure=true)');
    if (signal.aborted) throw abortReason(signal);
    this.#client = new KubeletClient({
      clock: this.#init.clock,
      timeoutMs: config.timeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      ca,
      verifyTls: !config.insecure,
      bearerToken: () => (token ? token.current() : Promise.resolve(undefined)),
    });
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.close();
  }

  health(): ComponentHealth {
    return { ready: this.#client !== undefined, detail: this.#client ? this.#lastCycle : 'not started' };
  }

  async scrape(window: TimeWindow, signal: AbortSignal): Promise<SourceResult> {
    if (signal.aborted) throw abortReason(signal);
    if (!this.#client) await this.start(signal);
    const client = this.#client;
    if (!client) throw new Error(`${this.name}: stopped during start`);
    const { config, metadata } = this.#init;
    const failures: ItemFailure[] = [];
    const diagnostics: DiagnosticInput[] = [];
    let targets: readonly KubeletTarget[];
    if (this.#staticTargets) {
      targets = this.#staticTargets;
    } else if (metadata) {
      if (!metadata.isSynced() && metadata.listNodes().length === 0) {
        throw new Error(`${this.name}: cluster metadata has not listed nodes yet`);
      }
      const discovery = discoverTargets(metadata.listNodes(), {
        addressTypes: config.addressTypes,
        kubeletPort: config.kubeletPort,
        useNodeStatusPort: config.useNodeStatusPort,
        https: config.kubeletHttps,
        hostIdAnnotation: config.host_id_annotation,
      });
      targets = discovery.targets;
      failures.push(...discovery.failures);
      diagnostics.push(...discovery.diagnostics);
    } else {
      throw new PermanentError(`${this.name}: no cluster metadata and no kubelets list`);
    }

    // Decoding is synchronous, so a cycle abort is also raced here to reject promptly whatever is in flight.
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const work = mapWithConcurrency(scrapeOrder(targets, window.endMs), config.concurrency, (target) => this.#scrapeNode(client, target, signal));
    // When the abort wins the race, `work` rejects later with that same reason, already thrown below.
    work.catch(() => undefined);
    let outcomes: NodeOutcome[];
    try {
      outcomes = await Promise.race([work, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }

    const nodeSets: NodeSets[] = [];
    for (const outcome of outcomes) {
      if (outcome.ok) {
        nodeSets.push(outcome.sets);
        diagnostics.push(...outcome.diagnostics);
      } else {
        failures.push(outcome.failure);
      }
    }
    const merged = mergeNodeResults(nodeSets, metadata, window.endMs);
    diagnostics.push(...merged.diagnostics);
    this.#recordCycle(targets.length, nodeSets.length, failures);
    return { batch: merged.batch, failures, diagnostics };
  }

  async #readCa(): Promise<string | undefined> {
    const { config } = this.#init;
    if (!config.kubeletHttps || config.insecure) return undefined;
    const path = config.kubeletCaFile ?? (config.inClusterConfig ? this.#files.serviceAccountCaPath : undefined);
    if (path === undefined) return undefined;
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      // Only an explicitly named CA file must exist; the service-account CA is a default that may be absent.
      if (config.kubeletCaFile === undefined && (error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw new PermanentError(`kubelet CA: cannot read ${path}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async #scrapeNode(client: KubeletClient, target: KubeletTarget, signal: AbortSignal): Promise<NodeOutcome> {
    const fail = (reason: DiagnosticReason, detail: string, cause?: unknown): NodeOutcome => ({
      ok: false,
      failure: { key: nodeKey(target.nodeName), node: target.nodeName, reason, detail, ...(cause === undefined ? {} : { cause }) },
    });
    let body: string;
    try {
      body = await client.fetch(target, this.#endpoint, signal);
    } catch (error) {
      if (signal.aborted || !(error instanceof ScrapeError)) throw error;
      return fail(error.reason, error.message, error.cause);
    }
    const prefix = `kubelet ${targetAddress(target)}: ${this.#endpoint.method} ${this.#endpoint.path}`;
    try {
      const decoded = this.#endpoint.decode(body, {
        nodeName: target.nodeName,
        hostname: target.hostname,
        hostId: target.hostId,
        nowMs: this.#init.clock.now(),
      });
      return { ok: true, sets: { nodeName: target.nodeName, metricSets: decoded.metricSets }, diagnostics: decoded.diagnostics };
    } catch (error) {
      const detail = error instanceof DecodeError ? error.message : `decoder failed: ${errorMessage(error)}`;
      return fail('decode-error', `${prefix}: ${detail}`, error);
    }
  }

  #recordCycle(total: number, answered: number, failures: readonly ItemFailure[]): void {
    const reasons: Record<string, number> = {};
    for (const failure of [...failures].sort((a, b) => (a.reason < b.reason ? -1 : 1))) reasons[failure.reason] = (reasons[failure.reason] ?? 0) + 1;
    this.#lastCycle = `last scrape: ${answered}/${total} kubelets answered${failures.length > 0 ? `; failures ${JSON.stringify(reasons)}` : ''}`;
    // One line per cycle, counted by reason: never one line per failing node.
    if (failures.length > 0) this.#init.logger.warn({ kubelets: total, answered, failures: reasons }, 'kubelet scrapes failed');
  }
}
