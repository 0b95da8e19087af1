import { afterEach, describe, expect, it, vi } from 'vitest';
import { OffsetClock } from './bench-clock.js';

describe('OffsetClock.startCycle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts each cycle one resolution after the previous one, however long the cycle took', () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    const clock = new OffsetClock();
    const first = clock.startCycle(15_000);
    expect(first).toBe(1_015_000);
    vi.setSystemTime(1_003_000); // the cycle took 3 s of wall time
    expect(clock.startCycle(15_000)).toBe(1_030_000);
    expect(clock.now()).toBe(1_030_000);
  });

  it('starts late rather than going back when a cycle overran the resolution', () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    const clock = new OffsetClock();
    clock.startCycle(15_000);
    vi.setSystemTime(20_000);
    expect(clock.startCycle(15_000)).toBe(35_000);
  });
});
