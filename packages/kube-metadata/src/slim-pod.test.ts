import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podInfoFromObject } from './metadata-from-objects.js';
import { slimPod, slimPodList } from './slim-pod.js';

const fixtures = ['nri-kubernetes-k8s-1.16-kubelet-pods.json', 'nri-kubernetes-k8s-1.35-kubelet-pods.json'];

function podsOf(file: string): V1Pod[] {
  return (JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { items: V1Pod[] }).items;
}

describe('slimPod', () => {
  it.each(fixtures)('converts to the same PodInfo as the whole pod (%s)', (file) => {
    const pods = podsOf(file);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) expect(podInfoFromObject(slimPod(pod))).toEqual(podInfoFromObject(pod));
  });

  it('keeps what the informer identifies a pod by and drops the rest', () => {
    const pod = podsOf(fixtures[1]!)[0]!;
    const slim = slimPod(pod);
    expect(slim.metadata).toMatchObject({ name: pod.metadata?.name, namespace: pod.metadata?.namespace, resourceVersion: pod.metadata?.resourceVersion });
    expect(slim.metadata?.ownerReferences).toBeUndefined();
    expect(slim.status?.conditions).toBeUndefined();
    expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(pod).length / 2);
  });

  it('handles a pod without spec or status, and keeps the list resourceVersion', () => {
    const bare = slimPod({ metadata: { name: 'p' } });
    expect(bare.metadata?.name).toBe('p');
    expect(Object.keys(bare)).toEqual(['metadata']);
    const list = slimPodList({ metadata: { resourceVersion: '42' }, items: [{ metadata: { name: 'p' }, spec: { containers: [] } }] });
    expect(list.metadata?.resourceVersion).toBe('42');
    expect(list.items[0]?.spec).toEqual({ nodeName: undefined, containers: [] });
  });
});
