import type { Clock, TimerHandle } from '@kubestats/core';
import { FakeClock } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import {
  firstTickAtOrAfter,
  lastCompleteWindow,
  latestTickAtOrBefore,
  TickSchedule,
  windowOfTick,
  type Tick,
} from './tick-schedule.js';

const at = (iso: string): number => Date.parse(iso);
const minute = 60_000;

describe('window math', () => {
  it('takes the last complete resolution interval', () => {
    expect(lastCompleteWindow(at('2026-01-01T12:01:05Z'), minute)).toEqual({
      startMs: at('2026-01-01T12:00:00Z'),
      endMs: at('2026-01-01T12:01:00Z'),
    });
    // Exactly on a boundary the interval that just ended is complete.
    expect(lastCompleteWindow(at('2026-01-01T12:01:00Z'), minute).endMs).toBe(at('2026-01-01T12:01:00Z'));
  });

  it('finds the first and latest tick around a time, like Heapster (12:00-12:01 fires at 12:01:05)', () => {
    const tick = firstTickAtOrAfter(at('2026-01-01T12:00:30Z'), minute, 5000);
    expect(tick * minute + 5000).toBe(at('2026-01-01T12:01:05Z'));
    expect(windowOfTick(tick, minute)).toEqual({ startMs: at('2026-01-01T12:00:00Z'), endMs: at('2026-01-01T12:01:00Z') });
    expect(firstTickAtOrAfter(at('2026-01-01T12:01:05Z'), minute, 5000)).toBe(tick);
    expect(latestTickAtOrBefore(at('2026-01-01T12:01:04Z'), minute, 5000)).toBe(tick - 1);
  });
});

describe('TickSchedule', () => {
  it('fires at every window end + offset on the clock, with the previous interval as window', async () => {
    const clock = new FakeClock(at('2026-01-01T12:00:03Z'));
    const ticks: (Tick & { firedAtMs: number })[] = [];
    const schedule = new TickSchedule(clock, 15_000, 2000, (tick) => ticks.push({ ...tick, firedAtMs: clock.now() }));
    schedule.start();
    expect(schedule.nextDueAtMs).toBe(at('2026-01-01T12:00:17Z'));
    await clock.advanceTo(at('2026-01-01T12:00:50Z'));
    expect(ticks.map((tick) => new Date(tick.firedAtMs).toISOString())).toEqual([
      '2026-01-01T12:00:17.000Z',
      '2026-01-01T12:00:32.000Z',
      '2026-01-01T12:00:47.000Z',
    ]);
    expect(ticks[0]?.window).toEqual({ startMs: at('2026-01-01T12:00:00Z'), endMs: at('2026-01-01T12:00:15Z') });
    expect(ticks[2]?.window).toEqual({ startMs: at('2026-01-01T12:00:30Z'), endMs: at('2026-01-01T12:00:45Z') });
    expect(ticks.every((tick) => tick.missedTicks === 0)).toBe(true);
    schedule.cancel();
    await clock.advance(minute);
    expect(ticks).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports ticks missed while the timer was late and runs only the latest', () => {
    // A clock whose timers fire only when the test says, at whatever time it has moved to.
    let nowMs = at('2026-01-01T12:00:00Z');
    const timers: (() => void)[] = [];
    const lateClock: Clock = {
      now: () => nowMs,
      setTimeout: (callback): TimerHandle => ({ id: timers.push(callback) }),
      clearTimeout: () => undefined,
    };
    const ticks: Tick[] = [];
    new TickSchedule(lateClock, minute, 5000, (tick) => ticks.push(tick)).start();
    nowMs = at('2026-01-01T12:03:10Z'); // due 12:00:05, but the event loop was blocked
    timers.shift()?.();
    expect(ticks).toEqual([
      {
        window: { startMs: at('2026-01-01T12:02:00Z'), endMs: at('2026-01-01T12:03:00Z') },
        dueAtMs: at('2026-01-01T12:03:05Z'),
        missedTicks: 3,
      },
    ]);
  });
});
