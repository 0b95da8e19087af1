import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from './map-with-concurrency.js';

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and results in item order', async () => {
    const gates = new Map<number, () => void>();
    let inFlight = 0;
    let maxInFlight = 0;
    const pending = mapWithConcurrency([1, 2, 3, 4, 5], 2, async (item) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => gates.set(item, resolve));
      inFlight--;
      return item * 10;
    });
    // Release in reverse arrival order as they start, to check result order does not follow completion order.
    for (const item of [2, 1, 4, 3, 5]) {
      while (!gates.has(item)) await Promise.resolve();
      gates.get(item)?.();
    }
    expect(await pending).toEqual([10, 20, 30, 40, 50]);
    expect(maxInFlight).toBe(2);
  });

  it('handles an empty list and a limit above the item count', async () => {
    expect(await mapWithConcurrency([], 5, () => Promise.resolve(1))).toEqual([]);
    expect(await mapWithConcurrency(['a'], 50, (item) => Promise.resolve(item.toUpperCase()))).toEqual(['A']);
  });
});
