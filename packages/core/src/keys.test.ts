import { describe, expect, it } from 'vitest';
import { clusterKey, namespaceKey, nodeKey, parseKey, podContainerKey, podKey, systemContainerKey } from './keys.js';

describe('metric-set keys', () => {
  it('spells keys exactly as Heapster does', () => {
    expect(nodeKey('n1')).toBe('node:n1');
    expect(systemContainerKey('n1', 'kubelet')).toBe('node:n1/container:kubelet');
    expect(podKey('prod', 'web-1')).toBe('namespace:prod/pod:web-1');
    expect(podContainerKey('prod', 'web-1', 'web')).toBe('namespace:prod/pod:web-1/container:web');
    expect(namespaceKey('prod')).toBe('namespace:prod');
    expect(clusterKey).toBe('cluster');
  });

  it('parses every key kind back into its parts', () => {
    expect(parseKey(nodeKey('n1'))).toEqual({ type: 'node', nodeName: 'n1' });
    expect(parseKey(systemContainerKey('n1', 'docker-daemon'))).toEqual({
      type: 'sys_container',
      nodeName: 'n1',
      containerName: 'docker-daemon',
    });
    expect(parseKey(podKey('ns', 'p'))).toEqual({ type: 'pod', namespace: 'ns', podName: 'p' });
    expect(parseKey(podContainerKey('ns', 'p', 'c'))).toEqual({
      type: 'pod_container',
      namespace: 'ns',
      podName: 'p',
      containerName: 'c',
    });
    expect(parseKey(namespaceKey('ns'))).toEqual({ type: 'ns', namespace: 'ns' });
    expect(parseKey('cluster')).toEqual({ type: 'cluster' });
  });

  it('rejects strings that are not keys', () => {
    expect(parseKey('pod:x')).toBeUndefined();
    expect(parseKey('namespace:/pod:x')).toBeUndefined();
    expect(parseKey('')).toBeUndefined();
  });

  it('memoises: the same key yields the same frozen result, and a rejected key stays rejected', () => {
    const key = podContainerKey('memo', 'p', 'c');
    const first = parseKey(key);
    expect(parseKey(key)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(parseKey('pod:memo')).toBeUndefined();
    expect(parseKey('pod:memo')).toBeUndefined();
  });
});
