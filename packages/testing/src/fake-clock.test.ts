import { sleep } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('fires timers in due order and only when time reaches them', async () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    const cancelled = clock.setTimeout(() => fired.push('never'), 150);
    clock.clearTimeout(cancelled);
    await clock.advance(150);
    expect(fired).toEqual(['a@1100']);
    await clock.advance(100);
    expect(fired).toEqual(['a@1100', 'b@1200']);
    expect(clock.now()).toBe(1250);
  });

  it('drives async code that awaits sleeps on the clock', async () => {
    const clock = new FakeClock(0);
    const steps: number[] = [];
    const task = (async () => {
      await sleep(clock, 10);
      steps.push(clock.now());
      await sleep(clock, 10);
      steps.push(clock.now());
    })();
    await clock.advance(25);
    await task;
    expect(steps).toEqual([10, 20]);
  });
});
