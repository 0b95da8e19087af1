import type { NodeInfo } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { discoverTargets, type DiscoveryOptions } from './discover-targets.js';

// Values from apiserver/nri-kubernetes-k8s-1.35-nodes.converted.json (node datagen-1-35), varied per test.
function node(overrides: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name: 'datagen-1-35',
    uid: '21df3009-f9ff-40ad-a737-1d905c4f7c76',
    labels: {},
    annotations: {},
    addresses: [
      { type: 'InternalIP', address: '192.168.67.2' },
      { type: 'Hostname', address: 'datagen-1-35' },
    ],
    kubeletPort: 10250,
    ready: true,
    unschedulable: false,
    providerId: '',
    capacity: {},
    allocatable: {},
    creationTimeMs: 0,
    ...overrides,
  };
}

const options: DiscoveryOptions = {
  addressTypes: ['InternalIP', 'Hostname', 'ExternalIP'],
  kubeletPort: 10255,
  useNodeStatusPort: false,
  https: false,
  hostIdAnnotation: undefined,
};

describe('discoverTargets', () => {
  it('targets a Ready node at its preferred address and labels it with its Hostname address', () => {
    const { targets, failures, diagnostics } = discoverTargets([node()], options);
    expect(targets).toEqual([{ nodeName: 'datagen-1-35', hostname: 'datagen-1-35', hostId: '', host: '192.168.67.2', port: 10255, https: false }]);
    expect(failures).toEqual([]);
    expect(diagnostics).toEqual([]);
  });

  it('follows addressTypes order and falls back to the next type', () => {
    expect(discoverTargets([node()], { ...options, addressTypes: ['Hostname', 'InternalIP'] }).targets[0]?.host).toBe('datagen-1-35');
    const external = node({ addresses: [{ type: 'ExternalIP', address: '203.0.113.9' }] });
    const [target] = discoverTargets([external], options).targets;
    expect(target).toMatchObject({ host: '203.0.113.9', hostname: 'datagen-1-35' });
  });

  it('skips a node that is not Ready with a node-not-ready diagnostic', () => {
    const result = discoverTargets([node({ name: 'b', ready: false }), node({ name: 'a' })], options);
    expect(result.targets.map((target) => target.nodeName)).toEqual(['a']);
    expect(result.diagnostics).toEqual([
      { key: 'node:b', stage: 'discovery', reason: 'node-not-ready', node: 'b', detail: 'node b is not Ready; its kubelet was not scraped' },
    ]);
  });

  it('fails a Ready node without an address of the wanted types, saying what it has', () => {
    const result = discoverTargets([node({ addresses: [{ type: 'InternalDNS', address: 'n.internal' }] })], options);
    expect(result.targets).toEqual([]);
    expect(result.failures).toEqual([
      {
        key: 'node:datagen-1-35',
        node: 'datagen-1-35',
        reason: 'node-no-address',
        detail: 'node datagen-1-35 has no address of type InternalIP, Hostname, ExternalIP (it has InternalDNS=n.internal); set addressTypes',
      },
    ]);
  });

  it('uses the node status port only when asked, falling back to kubeletPort', () => {
    expect(discoverTargets([node()], { ...options, useNodeStatusPort: true }).targets[0]?.port).toBe(10250);
    expect(discoverTargets([node({ kubeletPort: undefined })], { ...options, useNodeStatusPort: true }).targets[0]?.port).toBe(10255);
  });

  it('takes host_id from spec.providerID, else from the configured annotation', () => {
    const annotated = node({ annotations: { 'example.com/host-id': 'host-42' } });
    expect(discoverTargets([annotated], { ...options, hostIdAnnotation: 'example.com/host-id' }).targets[0]?.hostId).toBe('host-42');
    const provided = node({ providerId: 'gce://proj/zone/vm-1', annotations: { 'example.com/host-id': 'host-42' } });
    expect(discoverTargets([provided], { ...options, hostIdAnnotation: 'example.com/host-id' }).targets[0]?.hostId).toBe('gce://proj/zone/vm-1');
    expect(discoverTargets([annotated], options).targets[0]?.hostId).toBe('');
  });

  it('uses the node name as hostname when there is no Hostname address', () => {
    const [target] = discoverTargets([node({ addresses: [{ type: 'InternalIP', address: '10.0.0.7' }] })], { ...options, https: true }).targets;
    expect(target).toMatchObject({ hostname: 'datagen-1-35', https: true });
  });
});
