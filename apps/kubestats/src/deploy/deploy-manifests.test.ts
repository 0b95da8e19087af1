/**
 * No cluster is available in CI, so the deployment files are checked by parsing: every manifest document has the
 * fields the apiserver requires, RBAC grants what the kubelet source and kube-metadata need, the probes point at
 * routes the app serves, the APIService registers metrics.k8s.io/v1beta1, and the Grafana dashboard is valid JSON
 * whose queries use measurements the InfluxDB sink writes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { metricCatalogue, resolvePluginConfig } from '@kubestats/core';
import { summarySourceFactory } from '@kubestats/source-kubelet';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const deployDir = fileURLToPath(new URL('../../../../deploy/', import.meta.url));

interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

function manifests(): KubeObject[] {
  const documents = parseAllDocuments(readFileSync(`${deployDir}kubernetes/kubestats.yaml`, 'utf8'));
  for (const document of documents) expect(document.errors, 'YAML parse errors').toEqual([]);
  return documents.map((document) => document.toJS() as KubeObject);
}

function byKind(kind: string): KubeObject {
  const found = manifests().find((object) => object.kind === kind);
  if (!found) throw new Error(`no ${kind} in deploy/kubernetes/kubestats.yaml`);
  return found;
}

describe('deploy/kubernetes/kubestats.yaml', () => {
  it('has apiVersion, kind and metadata.name on every document', () => {
    const objects = manifests();
    expect(objects.map((object) => object.kind).sort()).toEqual(
      ['APIService', 'ClusterRole', 'ClusterRoleBinding', 'Deployment', 'RoleBinding', 'Service', 'ServiceAccount'].sort(),
    );
    for (const object of objects) {
      expect(object.apiVersion, `${object.kind} apiVersion`).toMatch(/^([a-z0-9.]+\/)?v1$/);
      expect(object.metadata?.name, `${object.kind} metadata.name`).toBeTruthy();
    }
  });

  it('grants read access to nodes, kubelet stats and metrics, pods and namespaces', () => {
    const rules = (byKind('ClusterRole') as { rules: { resources: string[]; verbs: string[] }[] }).rules;
    const granted = rules.flatMap((rule) => rule.resources.map((resource) => `${resource}:${rule.verbs.sort().join(',')}`));
    for (const resource of ['nodes', 'nodes/stats', 'nodes/metrics', 'pods', 'namespaces']) {
      expect(granted).toContain(`${resource}:get,list,watch`);
    }
  });

  it('runs the app non-root with probes on /livez and /readyz and a valid source URI', () => {
    const deployment = byKind('Deployment') as {
      spec: { template: { spec: { serviceAccountName: string; containers: { args: string[]; livenessProbe: { httpGet: { path: string } }; readinessProbe: { httpGet: { path: string } }; securityContext: { runAsNonRoot: boolean } }[] } } };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe(byKind('ServiceAccount').metadata?.name);
    const container = pod.containers[0]!;
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.securityContext.runAsNonRoot).toBe(true);
    const source = container.args.find((arg) => arg.startsWith('--source='))?.slice('--source='.length) ?? '';
    expect(resolvePluginConfig(summarySourceFactory, source).config).toMatchObject({ kubeletHttps: true, kubeletPort: 10250 });
  });

  it('registers v1beta1.metrics.k8s.io pointing at the Service', () => {
    const apiService = byKind('APIService') as { metadata: { name: string }; spec: { group: string; version: string; service: { name: string; namespace: string } } };
    const service = byKind('Service');
    expect(apiService.metadata.name).toBe('v1beta1.metrics.k8s.io');
    expect(apiService.spec).toMatchObject({ group: 'metrics.k8s.io', version: 'v1beta1' });
    expect(apiService.spec.service).toEqual(expect.objectContaining({ name: service.metadata?.name, namespace: service.metadata?.namespace }));
  });
});

describe('deploy/grafana/kubestats-influxdb.json', () => {
  it('queries only measurements the InfluxDB sink writes', () => {
    const dashboard = JSON.parse(readFileSync(`${deployDir}grafana/kubestats-influxdb.json`, 'utf8')) as {
      panels: { targets: { query: string }[] }[];
    };
    const written = new Set(metricCatalogue.map((descriptor) => descriptor.name));
    const measurements = dashboard.panels.flatMap((panel) => panel.targets.map((target) => /FROM "([^"]+)"/.exec(target.query)?.[1]));
    expect(measurements.length).toBeGreaterThan(0);
    for (const measurement of measurements) expect(written.has(measurement ?? '')).toBe(true);
  });
});
