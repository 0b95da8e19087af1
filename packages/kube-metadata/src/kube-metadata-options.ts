/**
 * How kube-metadata reaches the apiserver, and the bridge from a Heapster source URI
 * (`kubernetes.summary_api:https://kubernetes.default?inClusterConfig=false&auth=/etc/kubeconfig&insecure=true`)
 * to those options, so the app derives them from the same `--source` flag Heapster users already have.
 */
import type { Clock, Logger } from '@kubestats/core';

export interface KubeMetadataOptions {
  /**
   * Apiserver URL. With in-cluster config or a kubeconfig it overrides their server (as Heapster's source URL did);
   * alone it is used as is, without credentials.
   */
  readonly apiServerUrl?: string;
  /**
   * Use the pod's service account (KUBERNETES_SERVICE_HOST/PORT, token and CA under
   * /var/run/secrets/kubernetes.io/serviceaccount). Default: true when neither kubeconfigPath nor apiServerUrl is
   * given.
   */
  readonly inClusterConfig?: boolean;
  /** kubeconfig file (Heapster's `auth`); used when inClusterConfig is false. */
  readonly kubeconfigPath?: string;
  /** Skip TLS verification of the apiserver (and drop its CA), as Heapster's `insecure`. */
  readonly insecure?: boolean;
  readonly logger?: Logger;
  /** Timers for watch-restart backoff and resync; the system clock by default. */
  readonly clock?: Clock;
  /** Full relist of every kind this often, in milliseconds; 0 (default) relies on list+watch alone. */
  readonly resyncMs?: number;
  /** First delay before restarting a failed watch; doubled per failure up to maxRetryDelayMs. Default 1000. */
  readonly retryDelayMs?: number;
  /** Default 30000. */
  readonly maxRetryDelayMs?: number;
}

/** The Heapster source options kube-metadata understands (a subset of the kubelet source's schema). */
export interface HeapsterApiOptions {
  readonly inClusterConfig?: boolean;
  readonly auth?: string;
  readonly insecure?: boolean;
}

/**
 * Options for createKubeMetadata from a Heapster source URI's target and options, with Heapster's semantics:
 * `inClusterConfig` defaults to true and the URL overrides its server; with `inClusterConfig=false` the `auth`
 * kubeconfig is used, else the bare URL without credentials.
 */
export function kubeMetadataOptionsFromSourceUri(
  target: string | undefined,
  options: HeapsterApiOptions,
): KubeMetadataOptions {
  const inClusterConfig = options.inClusterConfig ?? true;
  const kubeconfigPath = options.auth === undefined || options.auth === '' ? undefined : options.auth;
  return {
    inClusterConfig,
    ...(target === undefined ? {} : { apiServerUrl: target }),
    ...(inClusterConfig || kubeconfigPath === undefined ? {} : { kubeconfigPath }),
    insecure: options.insecure ?? false,
  };
}
