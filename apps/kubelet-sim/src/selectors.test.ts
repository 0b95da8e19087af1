import { describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';

const pod = { metadata: { name: 'web-1', namespace: 'prod', labels: { app: 'web', tier: 'front' } }, spec: { nodeName: 'node-3' }, status: { phase: 'Running' } };

describe('label selectors', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=back', false],
    ['app in (web, api)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['!tier', false],
    ['!legacy', true],
    ['missing in (x)', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(pod)).toBe(expected);
  });

  it('rejects nonsense', () => {
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  it('matches supported pod fields and rejects others like the apiserver', () => {
    expect(parseFieldSelector('pods', 'spec.nodeName=node-3')(pod)).toBe(true);
    expect(parseFieldSelector('pods', 'spec.nodeName!=node-3,status.phase=Running')(pod)).toBe(false);
    expect(parseFieldSelector('pods', 'metadata.namespace=prod,metadata.name=web-1')(pod)).toBe(true);
    expect(() => parseFieldSelector('pods', 'spec.foo=x')).toThrow('field label not supported: spec.foo');
    expect(() => parseFieldSelector('nodes', 'spec.nodeName=x')).toThrow('field label not supported: spec.nodeName');
  });
});
