/**
 * The benchmark's clock: real time plus an offset that jumps one resolution per cycle. The pipeline, the plugins and
 * the simulated kubelets all read it, so K cycles run back to back yet every cycle sees payloads one resolution
 * after the previous one (rates are computed over 15 s, as in production), while deadlines and timeouts still fire
 * on real timers.
 */
import { systemClock, type Clock } from '@kubestats/core';

export class OffsetClock implements Clock {
  #offsetMs = 0;

  get offsetMs(): number {
    return this.#offsetMs;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Moves this clock `ms` into the future (never back). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`OffsetClock.advance: expected ms >= 0, got ${ms}`);
    this.#offsetMs += ms;
  }

  setTimeout(callback: () => void, delayMs: number): ReturnType<Clock['setTimeout']> {
    return systemClock.setTimeout(callback, delayMs);
  }

  clearTimeout(handle: ReturnType<Clock['setTimeout']>): void {
    systemClock.clearTimeout(handle);
  }
}
