/**
 * Wall-clock-aligned ticks. Tick k covers the window [(k-1)·res, k·res) and fires at k·res + offset, like Heapster's
 * housekeeping (data for 12:00–12:01 is collected at 12:01:05 and stamped 12:01:00), but on the injected Clock and
 * without Heapster's overlapping cycles: the schedule only says when; the pipeline decides whether a tick runs.
 */
import type { Clock, TimeWindow, TimerHandle } from '@kubestats/core';

export interface Tick {
  readonly window: TimeWindow;
  /** When the tick was due. */
  readonly dueAtMs: number;
  /** Ticks that fell due while the timer was late (event loop blocked, clock jumped); none of them ran. */
  readonly missedTicks: number;
}

/** The last complete resolution interval at `nowMs`: [floor(now/res)·res − res, floor(now/res)·res). */
export function lastCompleteWindow(nowMs: number, resolutionMs: number): TimeWindow {
  const endMs = Math.floor(nowMs / resolutionMs) * resolutionMs;
  return { startMs: endMs - resolutionMs, endMs };
}

/** The window of tick `k`. */
export function windowOfTick(tick: number, resolutionMs: number): TimeWindow {
  return { startMs: (tick - 1) * resolutionMs, endMs: tick * resolutionMs };
}

/** The first tick due at or after `nowMs`. */
export function firstTickAtOrAfter(nowMs: number, resolutionMs: number, offsetMs: number): number {
  return Math.ceil((nowMs - offsetMs) / resolutionMs);
}

/** The latest tick due at or before `nowMs`. */
export function latestTickAtOrBefore(nowMs: number, resolutionMs: number, offsetMs: number): number {
  return Math.floor((nowMs - offsetMs) / resolutionMs);
}

/** Fires `onTick` at every aligned tick until cancelled. One timer at a time; each tick re-arms from the clock. */
export class TickSchedule {
  readonly #clock: Clock;
  readonly #resolutionMs: number;
  readonly #offsetMs: number;
  readonly #onTick: (tick: Tick) => void;
  #nextTick = 0;
  #timer: TimerHandle | undefined;
  #running = false;

  constructor(clock: Clock, resolutionMs: number, offsetMs: number, onTick: (tick: Tick) => void) {
    this.#clock = clock;
    this.#resolutionMs = resolutionMs;
    this.#offsetMs = offsetMs;
    this.#onTick = onTick;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm(firstTickAtOrAfter(this.#clock.now(), this.#resolutionMs, this.#offsetMs));
  }

  cancel(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** When the next tick is due, or undefined when not running. */
  get nextDueAtMs(): number | undefined {
    return this.#running ? this.#dueAt(this.#nextTick) : undefined;
  }

  #dueAt(tick: number): number {
    return tick * this.#resolutionMs + this.#offsetMs;
  }

  #arm(tick: number): void {
    this.#nextTick = tick;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, this.#dueAt(tick) - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    const expected = this.#nextTick;
    const latest = latestTickAtOrBefore(this.#clock.now(), this.#resolutionMs, this.#offsetMs);
    if (latest < expected) {
      // Real timers may fire a millisecond early: wait for the due time rather than run early.
      this.#arm(expected);
      return;
    }
    // Re-arm first, so a throwing listener cannot stop the schedule.
    this.#arm(latest + 1);
    this.#onTick({ window: windowOfTick(latest, this.#resolutionMs), dueAtMs: this.#dueAt(latest), missedTicks: latest - expected });
  }
}
