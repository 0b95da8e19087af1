import { readFileSync } from 'node:fs';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodeInfoFromObject, podInfoFromObject, timestampMs } from './metadata-from-objects.js';

const node = (JSON.parse(readFileSync(new URL('./fixtures/nri-kubernetes-k8s-1.16-nodes.converted.json', import.meta.url), 'utf8')) as { items: V1Node[] }).items[0]!;
const pods = (JSON.parse(readFileSync(new URL('./fixtures/nri-kubernetes-k8s-1.16-kubelet-pods.json', import.meta.url), 'utf8')) as { items: V1Pod[] }).items;

describe('nodeInfoFromObject', () => {
  it('converts the raw JSON of a real node (k8s 1.16 minikube)', () => {
    expect(nodeInfoFromObject(node)).toMatchObject({
      name: 'minikube',
      kubeletPort: 10250,
      ready: true,
      capacity: { cpu: 2000, memory: 3_935_188 * 1024, 'ephemeral-storage': 17_784_752 * 1024, pods: 110, 'hugepages-2Mi': 0 },
      creationTimeMs: Date.parse('2021-12-15T13:43:23Z'),
    });
  });

  it('reads readiness from the Ready condition and reports bad quantities', () => {
    const notReady: V1Node = {
      metadata: { name: 'n1' },
      spec: { unschedulable: true, providerID: 'aws:///eu-west-1a/i-0abc' },
      status: {
        conditions: [{ type: 'Ready', status: 'Unknown' }],
        capacity: { cpu: 'lots' },
        daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      },
    };
    const invalid: string[] = [];
    const info = nodeInfoFromObject(notReady, (object, resource, text) => invalid.push(`${object} ${resource}=${text}`));
    expect(info).toMatchObject({ ready: false, unschedulable: true, providerId: 'aws:///eu-west-1a/i-0abc', kubeletPort: undefined, capacity: {} });
    expect(invalid).toEqual(['node n1 cpu=lots']);
    expect(nodeInfoFromObject({ metadata: { name: 'bare' } })).toMatchObject({ ready: false, addresses: [], creationTimeMs: 0 });
  });
});

describe('podInfoFromObject', () => {
  it('converts every pod of a real kubelet pod list (k8s 1.16)', () => {
    const infos = pods.map((pod) => podInfoFromObject(pod));
    expect(infos).toHaveLength(16);
    expect(infos.filter((pod) => pod.phase === 'Pending')).toHaveLength(1);
    const provisioner = infos.find((pod) => pod.name === 'storage-provisioner');
    expect(provisioner?.containers[0]?.restartCount).toBe(1);
  });

  it('leaves containerId undefined for a container that has not started', () => {
    const pod: V1Pod = {
      metadata: { name: 'p', namespace: 'ns' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'img' }] },
      status: { containerStatuses: [{ name: 'c', image: 'img', imageID: '', ready: false, restartCount: 0, containerID: '' }] },
    };
    expect(podInfoFromObject(pod)).toMatchObject({ phase: 'Unknown', startTimeMs: 0, containers: [{ name: 'c', containerId: undefined, requests: {} }] });
  });
});

describe('timestampMs', () => {
  it('accepts a Date (typed lists) or a string (watch events), 0 otherwise', () => {
    expect(timestampMs(new Date('2026-06-26T10:12:11Z'))).toBe(Date.parse('2026-06-26T10:12:11Z'));
    expect(timestampMs('2026-06-26T10:12:11Z')).toBe(Date.parse('2026-06-26T10:12:11Z'));
    expect(timestampMs('garbage')).toBe(0);
    expect(timestampMs(undefined)).toBe(0);
  });
});
