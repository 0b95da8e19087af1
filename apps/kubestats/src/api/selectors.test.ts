import { describe, expect, it } from 'vitest';
import { matchesSelector, parseFieldSelector, parseLabelSelector } from './selectors.js';

function selector(text: string) {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.selector;
}

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };

  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web, api)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['missing!=x', true],
    ['app=web,tier=back', false],
    ['example.com/team=a', true],
    ['app=web, tier in (front,back)', true],
  ])('%s matches: %s', (text, expected) => {
    expect(matchesSelector(selector(text), labels)).toBe(expected);
  });

  it.each(['app=(', 'app in (web', 'app in web)', 'a=b=c', '-bad', 'app=web,', 'app in ((a))', 'bad key=1'])('rejects %s', (text) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(false);
  });

  it('rejects an overlong selector without scanning it', () => {
    const parsed = parseLabelSelector('a'.repeat(5000));
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain('4096');
  });

  it('does not match inherited properties', () => {
    expect(matchesSelector(selector('constructor'), {})).toBe(false);
  });
});

describe('field selectors', () => {
  it('accepts metadata.name and metadata.namespace with equality', () => {
    expect(parseFieldSelector('metadata.name=web-1,metadata.namespace!=kube-system').ok).toBe(true);
  });

  it.each(['spec.nodeName=n1', 'metadata.name', 'metadata.name in (a,b)'])('rejects %s', (text) => {
    expect(parseFieldSelector(text).ok).toBe(false);
  });
});
