/**
 * The benchmark's clock: real time plus an offset, moved so that each cycle starts exactly one resolution after the
 * previous one (or later, if a cycle overran). The pipeline, the plugins and the simulated kubelets all read it, so
 * K cycles run back to back yet every cycle sees payloads one resolution apart (rates cover 15 s, and the memory
 * sink's 140 s window holds the same number of batches whatever the wall time of a cycle), while deadlines and
 * timeouts still fire on real timers.
 */
import { systemClock, type Clock } from '@kubestats/core';

export class OffsetClock implements Clock {
  #offsetMs = 0;
  #cycleStartMs: number | undefined;

  get offsetMs(): number {
    return this.#offsetMs;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /**
   * Moves this clock to the start of the next cycle: one resolution after the previous cycle's start, or now when a
   * cycle took longer than that. Never moves back.
   */
  startCycle(resolutionMs: number): number {
    if (!(resolutionMs > 0)) throw new RangeError(`OffsetClock.startCycle: expected resolutionMs > 0, got ${resolutionMs}`);
    const now = this.now();
    const start = Math.max(now, (this.#cycleStartMs ?? now) + resolutionMs);
    this.#offsetMs = start - Date.now();
    this.#cycleStartMs = start;
    return start;
  }

  setTimeout(callback: () => void, delayMs: number): ReturnType<Clock['setTimeout']> {
    return systemClock.setTimeout(callback, delayMs);
  }

  clearTimeout(handle: ReturnType<Clock['setTimeout']>): void {
    systemClock.clearTimeout(handle);
  }
}
