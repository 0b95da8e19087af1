/**
 * Builds the @kubernetes/client-node KubeConfig for KubeMetadataOptions: in-cluster service account, a kubeconfig
 * file or a bare URL, then the URL override and `insecure`. Misconfiguration is a ConfigError naming the option.
 */
import { ConfigError, errorMessage } from '@kubestats/core';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import type { KubeMetadataOptions } from './kube-metadata-options.js';

export function buildKubeConfig(options: KubeMetadataOptions): KubeConfig {
  const inCluster = options.inClusterConfig ?? (options.kubeconfigPath === undefined && options.apiServerUrl === undefined);
  const loaded = new KubeConfig();
  if (inCluster) {
    // client-node reads the service host from process.env itself.
    if (!process.env.KUBERNETES_SERVICE_HOST && options.apiServerUrl === undefined) {
      throw new ConfigError('kube-metadata', [
        {
          path: 'inClusterConfig',
          message:
            'KUBERNETES_SERVICE_HOST is not set (not running in a pod?): pass inClusterConfig=false with auth=<kubeconfig path> or an apiserver URL',
        },
      ]);
    }
    loaded.loadFromCluster();
  } else if (options.kubeconfigPath !== undefined) {
    try {
      loaded.loadFromFile(options.kubeconfigPath);
    } catch (error) {
      throw new ConfigError('kube-metadata', [
        { path: 'auth', message: `cannot load kubeconfig ${options.kubeconfigPath}: ${errorMessage(error)}` },
      ]);
    }
  } else if (options.apiServerUrl !== undefined) {
    loaded.loadFromClusterAndUser(
      { name: 'kubestats', server: options.apiServerUrl, skipTLSVerify: isPlainHttp(options.apiServerUrl) },
      { name: 'kubestats' },
    );
  } else {
    throw new ConfigError('kube-metadata', [
      { path: 'inClusterConfig', message: 'is false, but neither auth (a kubeconfig path) nor an apiserver URL was given' },
    ]);
  }
  const cluster = loaded.getCurrentCluster();
  const user = loaded.getCurrentUser();
  if (!cluster || !user) {
    throw new ConfigError('kube-metadata', [
      { path: options.kubeconfigPath === undefined ? 'inClusterConfig' : 'auth', message: 'the kubeconfig has no current context with a cluster and a user' },
    ]);
  }
  if (options.apiServerUrl === undefined && options.insecure !== true) return loaded;
  const server = options.apiServerUrl ?? cluster.server;
  let effective: Cluster = { ...cluster, server, skipTLSVerify: cluster.skipTLSVerify || isPlainHttp(server) };
  if (options.insecure === true) {
    // Heapster's insecure also dropped the CA; a CA left in place would still be used for verification.
    const { caData: _caData, caFile: _caFile, ...withoutCa } = effective;
    effective = { ...withoutCa, skipTLSVerify: true };
  }
  const config = new KubeConfig();
  config.loadFromClusterAndUser(effective, user satisfies User);
  return config;
}

/** client-node refuses `http:` servers unless TLS verification is off; there is no TLS to verify on them. */
function isPlainHttp(url: string): boolean {
  return url.startsWith('http:');
}
