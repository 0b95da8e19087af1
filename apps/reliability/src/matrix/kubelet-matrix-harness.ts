/**
 * The kubelet fault matrix's rig: a kubelet-sim cluster (plain HTTP kubelets, a clock the test moves), a fault proxy
 * in front of the last node, and the real pipeline composed in code (summary source over static targets, the app's
 * processor chain, the memory sink) with a captured logger. A cycle moves the simulated time one resolution ahead and
 * runs the pipeline once over real sockets; nothing sleeps.
 */
import {
  DiagnosticsLog,
  parseOptions,
  staticClusterMetadata,
  systemClock,
  type ClusterMetadata,
  type ConfigSchema,
  type NodeInfo,
  type PodInfo,
  type Processor,
  type Sink,
} from '@kubestats/core';
import { createPipeline, type CycleReport, type Pipeline } from '@kubestats/pipeline';
import { memorySinkFactory, type MemorySink } from '@kubestats/sink-memory';
import { legacySourceFactory, summarySourceFactory } from '@kubestats/source-kubelet';
import { startSimulatedCluster, type QuirkSpec, type SimulatedCluster } from 'kubelet-sim';
import { processorFactories } from 'kubestats';
import type { ApiContext } from '../../../kubestats/src/api/api-context.js';
import { captureLog, type CapturedLog } from './log-capture.js';
import { startKubeletFaultProxy, type BodyFault, type KubeletFaultProxy } from './kubelet-fault-proxy.js';

export const resolutionMs = 10_000;

export interface MatrixOptions {
  readonly nodes?: number;
  readonly podsPerNode?: number;
  readonly quirks?: readonly QuirkSpec[];
  /** Extra source URI options (`timeoutMs`, `maxResponseBytes`, `tokenFile`…). */
  readonly sourceOptions?: Readonly<Record<string, string>>;
  /** Extra static targets (e.g. a closed port for connection refused), named `127.0.0.1:<port>`. */
  readonly extraTargets?: readonly number[];
  readonly extraSinks?: readonly Sink[];
  /** Which kubelet endpoint the source scrapes (default `/stats/summary`). */
  readonly legacySource?: boolean;
}

export interface MatrixHarness {
  readonly sim: SimulatedCluster;
  readonly proxy: KubeletFaultProxy;
  /** Target (= node) names as the source names them, in sim node order; the last one is behind the proxy. */
  readonly nodeNames: readonly string[];
  readonly proxiedNode: string;
  readonly pipeline: Pipeline;
  readonly memory: MemorySink;
  readonly metadata: ClusterMetadata;
  readonly log: CapturedLog;
  readonly apiContext: ApiContext;
  /** Pods (namespace, name) the sim runs on the given target node. */
  podsOn(nodeName: string): { namespace: string; name: string }[];
  cycle(): Promise<CycleReport>;
  setProxyFault(fault: BodyFault | undefined): void;
  stop(): Promise<void>;
}

function defaults<S extends ConfigSchema>(schema: S, raw: Record<string, unknown>): unknown {
  const declared = Object.fromEntries(Object.entries(raw).filter(([name]) => Object.hasOwn(schema, name)));
  const parsed = parseOptions(schema, declared);
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
  return parsed.config;
}

export async function startMatrix(options: MatrixOptions = {}): Promise<MatrixHarness> {
  let simNowMs = Math.floor(Date.now() / 1000) * 1000;
  const sim = await startSimulatedCluster({
    nodes: options.nodes ?? 3,
    podsPerNode: options.podsPerNode ?? 2,
    containersPerPod: 2,
    seed: 7,
    kubeletHttps: false,
    clock: () => simNowMs,
    quirks: options.quirks ?? [],
  });
  const lastKubelet = sim.kubelets.at(-1);
  if (!lastKubelet) throw new Error('matrix: the simulated cluster has no kubelet');
  const proxy = await startKubeletFaultProxy(lastKubelet.host, lastKubelet.port);
  const ports = [...sim.kubelets.slice(0, -1).map((kubelet) => kubelet.port), proxy.port];
  const nodeNames = ports.map((port) => `127.0.0.1:${port}`);
  const targetOfSimNode = new Map(sim.kubelets.map((kubelet, index) => [kubelet.nodeName, nodeNames[index] ?? '']));

  const simNodes = sim.truth.listNodes();
  const nodes: NodeInfo[] = simNodes.map((node) => ({
    name: targetOfSimNode.get(node.name) ?? node.name,
    uid: `uid-${node.name}`,
    labels: {},
    annotations: {},
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
    kubeletPort: undefined,
    ready: true,
    unschedulable: false,
    providerId: '',
    capacity: { cpu: node.cpuCapacityMillicores / 1000, memory: node.memoryCapacityBytes },
    allocatable: { cpu: node.cpuCapacityMillicores / 1000, memory: node.memoryCapacityBytes },
    creationTimeMs: node.bootMs,
  }));
  const pods: PodInfo[] = sim.truth.listPods().map((pod) => ({
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    nodeName: targetOfSimNode.get(pod.node) ?? pod.node,
    labels: pod.labels,
    phase: 'Running',
    startTimeMs: pod.startMs,
    creationTimeMs: pod.startMs,
    containers: [],
  }));
  const namespaces = sim.truth.listNamespaces().map((name) => ({ name, uid: `uid-${name}`, labels: {} }));
  const metadata = staticClusterMetadata({ nodes, pods, namespaces });

  const log = captureLog();
  const kubelets = [...nodeNames, ...(options.extraTargets ?? []).map((port) => `127.0.0.1:${port}`)];
  const sourceFactory = options.legacySource ? legacySourceFactory : summarySourceFactory;
  const sourceConfig = defaults(sourceFactory.configSchema, {
    kubelets,
    inClusterConfig: false,
    timeoutMs: '1500',
    ...options.sourceOptions,
  });
  const source = sourceFactory.create({
    config: sourceConfig as never,
    target: undefined,
    logger: log.logger.child({ component: 'source/kubelet' }),
    clock: systemClock,
    metadata,
  });
  const processors: Processor[] = processorFactories.map((factory) =>
    factory.create({
      config: defaults(factory.configSchema, { freshContainerWindow: resolutionMs }) as never,
      target: undefined,
      logger: log.logger.child({ component: `processor/${factory.type}` }),
      clock: systemClock,
      metadata,
    }),
  );
  const memory = memorySinkFactory.create({
    config: defaults(memorySinkFactory.configSchema, {}) as never,
    target: undefined,
    logger: log.logger,
    clock: systemClock,
    metadata,
  });
  const diagnostics = new DiagnosticsLog();
  const pipeline = createPipeline({
    sources: [source],
    processors,
    sinks: [{ sink: memory }, ...(options.extraSinks ?? []).map((sink) => ({ sink }))],
    resolutionMs,
    scrapeTimeoutMs: 8000,
    stopTimeoutMs: 5000,
    clock: systemClock,
    logger: log.logger,
    diagnostics,
  });
  const apiContext: ApiContext = {
    store: memory,
    metadata,
    diagnostics,
    health: () => pipeline.health(),
    registry: pipeline.registry,
    resolutionMs,
    now: () => simNowMs,
  };

  return {
    sim,
    proxy,
    nodeNames,
    proxiedNode: nodeNames.at(-1) ?? '',
    pipeline,
    memory,
    metadata,
    log,
    apiContext,
    podsOn: (nodeName) => pods.filter((pod) => pod.nodeName === nodeName).map(({ namespace, name }) => ({ namespace, name })),
    async cycle() {
      simNowMs += resolutionMs;
      const report = await pipeline.runOnce({ startMs: simNowMs - resolutionMs, endMs: simNowMs });
      return report;
    },
    setProxyFault: (fault) => proxy.setFault(fault),
    async stop() {
      await pipeline.stop();
      await proxy.stop();
      await sim.stop();
    },
  };
}
