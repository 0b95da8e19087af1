/**
 * A Clock whose time moves only when a test says so. Timers fire in due order during `advance()`, and microtasks
 * queued by fired callbacks are drained between timers, so async code driven by the clock makes progress.
 */
import type { Clock, TimerHandle } from '@kubestats/core';

interface ScheduledTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly callback: () => void;
}

export class FakeClock implements Clock {
  #nowMs: number;
  #nextId = 1;
  readonly #timers = new Map<number, ScheduledTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, dueMs: this.#nowMs + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'object' && 'id' in handle && typeof handle.id === 'number') this.#timers.delete(handle.id);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + ms;
    await flushMicrotasks();
    for (let next = this.#nextDue(targetMs); next; next = this.#nextDue(targetMs)) {
      this.#timers.delete(next.id);
      this.#nowMs = next.dueMs;
      next.callback();
      await flushMicrotasks();
    }
    this.#nowMs = targetMs;
    await flushMicrotasks();
  }

  /** Moves time to the absolute epoch-ms `targetMs` (never backwards). */
  async advanceTo(targetMs: number): Promise<void> {
    await this.advance(Math.max(0, targetMs - this.#nowMs));
  }

  #nextDue(limitMs: number): ScheduledTimer | undefined {
    let earliest: ScheduledTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.dueMs <= limitMs && (!earliest || timer.dueMs < earliest.dueMs)) earliest = timer;
    }
    return earliest;
  }
}

/** Lets every already-queued promise continuation run (several rounds, for chained awaits). */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round++) await Promise.resolve();
}
