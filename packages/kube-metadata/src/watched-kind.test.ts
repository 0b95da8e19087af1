import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { cachedInfoOf } from './watched-kind.js';

describe('cachedInfoOf', () => {
  const pod: V1Pod = {
    metadata: { name: 'web', namespace: 'shop', resourceVersion: '42', uid: 'u1', labels: { app: 'web' }, annotations: { big: 'x'.repeat(1000) } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] },
    status: { phase: 'Running' },
  };

  it('keeps only the identity and version the informer reads, and the info converted once', () => {
    const convert = vi.fn((object: V1Pod) => ({ node: object.spec?.nodeName }));
    const cached = cachedInfoOf(pod, convert);
    // Strict: nothing else of the apiserver object (uid, labels, annotations, spec, status) is referenced.
    expect(cached).toStrictEqual({ metadata: { name: 'web', namespace: 'shop', resourceVersion: '42' }, info: { node: 'n1' } });
    expect(convert).toHaveBeenCalledTimes(1);
  });

  it('accepts an object without metadata (the informer files it under the empty name)', () => {
    expect(cachedInfoOf({}, () => 1)).toEqual({ metadata: { name: undefined, namespace: undefined, resourceVersion: undefined }, info: 1 });
  });
});
