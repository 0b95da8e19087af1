import { staticClusterMetadata, type PodInfo } from '@kubestats/core';
import { nodeSet, podContainerSet, podSet } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { mergeNodeResults, type NodeSets } from './merge-node-results.js';

function pod(name: string, nodeName: string): PodInfo {
  return { namespace: 'prod', name, uid: `uid-${name}`, nodeName, labels: {}, phase: 'Running', startTimeMs: 0, creationTimeMs: 0, containers: [] };
}

function nodeSets(nodeName: string, pods: readonly string[]): NodeSets {
  return {
    nodeName,
    metricSets: [
      nodeSet({ node: nodeName }),
      ...pods.flatMap((name) => [
        podSet({ namespace: 'prod', pod: name, node: nodeName, metrics: { 'memory/usage': 1 } }),
        podContainerSet({ namespace: 'prod', pod: name, container: 'web', node: nodeName }),
      ]),
    ],
  };
}

describe('mergeNodeResults', () => {
  it('merges every node into one batch stamped with the given time', () => {
    const { batch, diagnostics } = mergeNodeResults([nodeSets('b', ['web-2']), nodeSets('a', ['web-1'])], undefined, 60_000);
    expect(batch.timestampMs).toBe(60_000);
    expect([...batch.metricSets.keys()].sort()).toEqual([
      'namespace:prod/pod:web-1',
      'namespace:prod/pod:web-1/container:web',
      'namespace:prod/pod:web-2',
      'namespace:prod/pod:web-2/container:web',
      'node:a',
      'node:b',
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('keeps a pod reported by two nodes from the node its metadata names, whatever the arrival order', () => {
    const metadata = staticClusterMetadata({ pods: [pod('web-1', 'b')] });
    for (const order of [
      [nodeSets('a', ['web-1']), nodeSets('b', ['web-1'])],
      [nodeSets('b', ['web-1']), nodeSets('a', ['web-1'])],
    ]) {
      const { batch, diagnostics } = mergeNodeResults(order, metadata, 60_000);
      expect(batch.metricSets.get('namespace:prod/pod:web-1')?.labels.nodename).toBe('b');
      expect(batch.metricSets.get('namespace:prod/pod:web-1/container:web')?.labels.nodename).toBe('b');
      expect(diagnostics).toEqual([
        {
          key: 'namespace:prod/pod:web-1',
          stage: 'scrape',
          reason: 'pod-on-several-nodes',
          node: 'b',
          detail: 'reported by nodes a, b; kept b (the node its spec.nodeName names), dropped a',
        },
      ]);
    }
  });

  it('notices a pod on two nodes from its container sets alone, wherever they are listed', () => {
    // Node a lists web-1's container after another pod's set (keys of the same length) and without web-1's own
    // pod set, as a legacy payload without the sandbox can: it still counts as reporting web-1.
    const onA: NodeSets = {
      nodeName: 'a',
      metricSets: [
        podSet({ namespace: 'prod', pod: 'web-3', node: 'a' }),
        podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'sidecar', node: 'a' }),
      ],
    };
    const onB: NodeSets = {
      nodeName: 'b',
      metricSets: [podSet({ namespace: 'prod', pod: 'web-1', node: 'b' }), podContainerSet({ namespace: 'prod', pod: 'web-1', container: 'web', node: 'b' })],
    };
    const metadata = staticClusterMetadata({ pods: [pod('web-1', 'b')] });
    const { batch, diagnostics } = mergeNodeResults([onB, onA], metadata, 1);
    expect([...batch.metricSets.keys()]).toEqual(['namespace:prod/pod:web-3', 'namespace:prod/pod:web-1', 'namespace:prod/pod:web-1/container:web']);
    expect(diagnostics.map((diagnostic) => diagnostic.detail)).toEqual(['reported by nodes a, b; kept b (the node its spec.nodeName names), dropped a']);
  });

  it('without metadata for the pod, keeps the first reporting node by name and says why', () => {
    const { batch, diagnostics } = mergeNodeResults([nodeSets('b', ['web-1']), nodeSets('a', ['web-1'])], staticClusterMetadata({}), 1);
    expect(batch.metricSets.get('namespace:prod/pod:web-1')?.labels.nodename).toBe('a');
    expect(diagnostics[0]?.detail).toBe('reported by nodes a, b; kept a (the first by name; the pod is not in the cluster metadata), dropped b');
  });
});
