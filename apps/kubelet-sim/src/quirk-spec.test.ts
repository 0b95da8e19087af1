import { describe, expect, it } from 'vitest';
import { parseQuirks, quirkHitsNode } from './quirk-spec.js';

describe('parseQuirks', () => {
  it('parses kind[=value][:target] lists', () => {
    expect(parseQuirks('duplicate-cgroup, slow=500:node-3,dead:10%,zombie-container:team-1/app-0,huge-body=1024:0.5,duplicate-cgroup=kubepods-slice')).toEqual([
      { kind: 'duplicate-cgroup' },
      { kind: 'slow', delayMs: 500, node: 'node-3' },
      { kind: 'dead', fraction: 0.1 },
      { kind: 'zombie-container', pod: 'team-1/app-0' },
      { kind: 'huge-body', bytes: 1024, fraction: 0.5 },
      { kind: 'duplicate-cgroup', shape: 'kubepods-slice' },
    ]);
    expect(parseQuirks('')).toEqual([]);
  });

  it('rejects what it cannot use, naming the item', () => {
    expect(() => parseQuirks('bogus')).toThrow('unknown quirk "bogus" in "bogus"');
    expect(() => parseQuirks('slow=abc')).toThrow('quirk "slow=abc": "abc" is not a non-negative number');
    expect(() => parseQuirks('dead=3')).toThrow('quirk "dead=3": dead takes no value "3"');
    expect(() => parseQuirks('hang:')).toThrow('empty target');
    expect(() => parseQuirks('garbage:150%')).toThrow('fraction must be within [0, 1], got 1.5');
  });
});

describe('quirk targets', () => {
  it('a fraction picks the same seeded nodes every time, about that share', () => {
    const spec = { kind: 'dead', fraction: 0.25 } as const;
    const hits = Array.from({ length: 400 }, (_, i) => quirkHitsNode(1, spec, `node-${i}`, () => false));
    expect(Array.from({ length: 400 }, (_, i) => quirkHitsNode(1, spec, `node-${i}`, () => false))).toEqual(hits);
    const share = hits.filter(Boolean).length / 400;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.32);
  });

  it('node and pod targets narrow a node quirk', () => {
    expect(quirkHitsNode(1, { kind: 'slow', node: 'node-2' }, 'node-2', () => false)).toBe(true);
    expect(quirkHitsNode(1, { kind: 'slow', node: 'node-2' }, 'node-1', () => false)).toBe(false);
    expect(quirkHitsNode(1, { kind: 'slow', pod: 'a/b' }, 'node-1', (k) => k === 'a/b')).toBe(true);
    expect(quirkHitsNode(1, { kind: 'slow', pod: 'a/b' }, 'node-1', () => false)).toBe(false);
  });
});
