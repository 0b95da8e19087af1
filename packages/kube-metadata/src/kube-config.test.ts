import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@kubestats/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildKubeConfig } from './kube-config.js';
import { kubeMetadataOptionsFromSourceUri } from './kube-metadata-options.js';

const kubeconfigYaml = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${Buffer.from('not a real CA').toString('base64')}
users:
- name: admin
  user:
    token: secret-token
contexts:
- name: prod
  context: { cluster: prod, user: admin }
current-context: prod
`;

function kubeconfigFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kube-metadata-')), 'config');
  writeFileSync(path, kubeconfigYaml);
  return path;
}

describe('kubeMetadataOptionsFromSourceUri', () => {
  it('follows Heapster: in-cluster by default, the URL overrides the server', () => {
    expect(kubeMetadataOptionsFromSourceUri('https://kubernetes.default', {})).toEqual({
      inClusterConfig: true,
      apiServerUrl: 'https://kubernetes.default',
      insecure: false,
    });
  });

  it('uses auth as the kubeconfig only with inClusterConfig=false', () => {
    expect(kubeMetadataOptionsFromSourceUri(undefined, { inClusterConfig: false, auth: '/etc/kube/config', insecure: true })).toEqual({
      inClusterConfig: false,
      kubeconfigPath: '/etc/kube/config',
      insecure: true,
    });
    expect(kubeMetadataOptionsFromSourceUri(undefined, { auth: '/etc/kube/config' })).not.toHaveProperty('kubeconfigPath');
    expect(kubeMetadataOptionsFromSourceUri('http://127.0.0.1:8080', { inClusterConfig: false, auth: '' })).toEqual({
      inClusterConfig: false,
      apiServerUrl: 'http://127.0.0.1:8080',
      insecure: false,
    });
  });
});

describe('buildKubeConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('refuses in-cluster config outside a pod, saying what to pass instead', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
    expect(() => buildKubeConfig({ inClusterConfig: true })).toThrow(ConfigError);
    expect(() => buildKubeConfig({})).toThrow(/inClusterConfig: KUBERNETES_SERVICE_HOST is not set .*auth=<kubeconfig path>/);
  });

  it('loads in-cluster config from the service environment', () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');
    const config = buildKubeConfig({ inClusterConfig: true });
    expect(config.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
  });

  it('loads a kubeconfig, overrides its server with the URL and drops the CA when insecure', () => {
    const path = kubeconfigFile();
    const plain = buildKubeConfig({ inClusterConfig: false, kubeconfigPath: path });
    expect(plain.getCurrentCluster()).toMatchObject({ server: 'https://10.0.0.1:6443', skipTLSVerify: false });
    expect(plain.getCurrentUser()?.token).toBe('secret-token');

    const overridden = buildKubeConfig({ inClusterConfig: false, kubeconfigPath: path, apiServerUrl: 'https://api.example:443', insecure: true });
    expect(overridden.getCurrentCluster()).toMatchObject({ server: 'https://api.example:443', skipTLSVerify: true });
    expect(overridden.getCurrentCluster()?.caData).toBeUndefined();
    expect(overridden.getCurrentUser()?.token).toBe('secret-token');
  });

  it('names the kubeconfig that cannot be loaded', () => {
    expect(() => buildKubeConfig({ inClusterConfig: false, kubeconfigPath: '/nonexistent/kubeconfig' })).toThrow(
      /auth: cannot load kubeconfig \/nonexistent\/kubeconfig/,
    );
  });

  it('uses a bare URL without credentials, and needs one of the three', () => {
    const config = buildKubeConfig({ inClusterConfig: false, apiServerUrl: 'http://127.0.0.1:8080' });
    expect(config.getCurrentCluster()?.server).toBe('http://127.0.0.1:8080');
    expect(config.getCurrentUser()?.token).toBeUndefined();
    expect(() => buildKubeConfig({ inClusterConfig: false })).toThrow(/neither auth .* nor an apiserver URL/);
  });
});
