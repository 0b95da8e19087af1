/**
 * The app's one ClusterMetadata: nodes, pods and namespaces from apiserver list+watch informers, shared by the
 * kubelet source and the enrichers so each kind is watched once and no plugin calls the apiserver per cycle.
 *
 * Failure policy: start() fails fast. If the initial list of any kind fails, it rejects with an error naming the
 * apiserver URL, the kind and the cause, so a wrong URL or missing RBAC shows at startup; the host decides whether
 * to retry start(). After a successful start, dropped watches reconnect by themselves (relisting on 410 Gone) and
 * failed watches are restarted with exponential backoff on the injected clock, forever, while reads serve the
 * last known objects.
 */
import {
  abortReason,
  errorMessage,
  silentLogger,
  systemClock,
  type ClusterMetadata,
  type ComponentHealth,
  type NamespaceInfo,
  type NodeInfo,
  type PodInfo,
} from '@kubestats/core';
import { CoreV1Api, type KubeConfig, type V1Namespace, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { buildKubeConfig } from './kube-config.js';
import type { KubeMetadataOptions } from './kube-metadata-options.js';
import { namespaceInfoFromObject, nodeInfoFromObject, podInfoFromObject } from './metadata-from-objects.js';
import { WatchedKind, type WatchedKindControl } from './watched-kind.js';

export interface KubeMetadata extends ClusterMetadata {
  /** Resolves once nodes, pods and namespaces are listed; rejects naming the apiserver URL and cause. */
  start(signal: AbortSignal): Promise<void>;
  /** Stops every watch; idempotent and safe without start(). */
  stop(): Promise<void>;
  health(): ComponentHealth;
  /** The apiserver URL in use (after start), for logs and errors. */
  readonly apiServerUrl: string | undefined;
}

interface Kinds {
  readonly nodes: WatchedKind<V1Node, NodeInfo>;
  readonly pods: WatchedKind<V1Pod, PodInfo>;
  readonly namespaces: WatchedKind<V1Namespace, NamespaceInfo>;
}

export function createKubeMetadata(options: KubeMetadataOptions): KubeMetadata {
  const logger = (options.logger ?? silentLogger).child({ component: 'kube-metadata' });
  const clock = options.clock ?? systemClock;
  let kinds: Kinds | undefined;
  let serverUrl: string | undefined;
  let resyncTimer: ReturnType<typeof clock.setTimeout> | undefined;
  let stopped = false;

  const onInvalidQuantity = (object: string, resource: string, text: string): void => {
    logger.warn({ object, resource, quantity: text }, 'unparseable resource quantity left out');
  };

  function makeKinds(kubeConfig: KubeConfig): Kinds {
    const api = kubeConfig.makeApiClient(CoreV1Api);
    const common = {
      kubeConfig,
      clock,
      logger,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    };
    return {
      nodes: new WatchedKind<V1Node, NodeInfo>({
        ...common,
        kind: 'nodes',
        path: '/api/v1/nodes',
        list: () => api.listNode(),
        convert: (node) => nodeInfoFromObject(node, onInvalidQuantity),
      }),
      pods: new WatchedKind<V1Pod, PodInfo>({
        ...common,
        kind: 'pods',
        path: '/api/v1/pods',
        list: () => api.listPodForAllNamespaces(),
        convert: (pod) => podInfoFromObject(pod, onInvalidQuantity),
      }),
      namespaces: new WatchedKind<V1Namespace, NamespaceInfo>({
        ...common,
        kind: 'namespaces',
        path: '/api/v1/namespaces',
        list: () => api.listNamespace(),
        convert: namespaceInfoFromObject,
      }),
    };
  }

  function allKinds(): WatchedKindControl[] {
    return kinds ? [kinds.nodes, kinds.pods, kinds.namespaces] : [];
  }

  function scheduleResync(): void {
    const resyncMs = options.resyncMs ?? 0;
    if (resyncMs <= 0 || stopped) return;
    resyncTimer = clock.setTimeout(() => {
      resyncTimer = undefined;
      void Promise.all(allKinds().map((kind) => kind.relist())).then(scheduleResync);
    }, resyncMs);
  }

  async function stopAll(): Promise<void> {
    stopped = true;
    if (resyncTimer !== undefined) clock.clearTimeout(resyncTimer);
    resyncTimer = undefined;
    for (const kind of allKinds()) kind.stop();
    return Promise.resolve();
  }

  return {
    get apiServerUrl() {
      return serverUrl;
    },

    async start(signal) {
      if (signal.aborted) throw abortReason(signal);
      stopped = false;
      const kubeConfig = buildKubeConfig(options);
      serverUrl = kubeConfig.getCurrentCluster()?.server;
      const started = makeKinds(kubeConfig);
      kinds = started;
      const onAbort = (): void => void stopAll();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const aborted = new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
        });
        const listed = Promise.all(
          [started.nodes, started.pods, started.namespaces].map((kind: WatchedKindControl) =>
            kind.start().catch((error: unknown) => {
              throw new Error(`kube-metadata: apiserver ${serverUrl}: initial list of ${kind.kind} failed: ${errorMessage(error)}`, {
                cause: error,
              });
            }),
          ),
        );
        await Promise.race([listed, aborted]);
      } catch (error) {
        await stopAll();
        throw error;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      logger.info(
        { apiServerUrl: serverUrl, nodes: started.nodes.list().length, pods: started.pods.list().length, namespaces: started.namespaces.list().length },
        'cluster metadata synced',
      );
      scheduleResync();
    },

    stop: stopAll,

    health() {
      const detail = allKinds()
        .map((kind) => `${kind.kind}: ${kind.describe()}`)
        .join('; ');
      return { ready: kinds !== undefined && allKinds().every((kind) => kind.synced), detail: detail || 'not started' };
    },

    isSynced: () => kinds !== undefined && allKinds().every((kind) => kind.synced),
    getNode: (name) => kinds?.nodes.get(name),
    listNodes: () => kinds?.nodes.list() ?? [],
    getPod: (namespace, name) => kinds?.pods.get(name, namespace),
    listPods: () => kinds?.pods.list() ?? [],
    getNamespace: (name) => kinds?.namespaces.get(name),
    listNamespaces: () => kinds?.namespaces.list() ?? [],
  };
}
