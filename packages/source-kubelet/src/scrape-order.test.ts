import { describe, expect, it } from 'vitest';
import type { KubeletTarget } from './discovery/kubelet-target.js';
import { scrapeOrder } from './scrape-order.js';

const targets: KubeletTarget[] = Array.from({ length: 20 }, (_, index) => ({
  nodeName: `node-${String(index).padStart(2, '0')}`,
  hostname: '',
  hostId: '',
  host: `10.0.0.${index}`,
  port: 10250,
  https: false,
}));

describe('scrapeOrder', () => {
  it('is a permutation, the same for the same window', () => {
    const order = scrapeOrder(targets, 60_000);
    expect([...order].sort((a, b) => a.nodeName.localeCompare(b.nodeName))).toEqual(targets);
    expect(scrapeOrder(targets, 60_000)).toEqual(order);
  });

  it('differs between windows, so no node is always last', () => {
    const lastNodes = new Set([60_000, 120_000, 180_000, 240_000, 300_000].map((endMs) => scrapeOrder(targets, endMs).at(-1)?.nodeName));
    expect(lastNodes.size).toBeGreaterThan(1);
  });
});
