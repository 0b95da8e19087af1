/**
 * Logs the first failure of each kind (component + reason) at warn, and stays quiet while it repeats, so a dead
 * kubelet does not write a line per cycle. A component's next clean call re-arms its warnings, so the next outage is
 * reported again. Counts of every failure are in the self-metrics.
 */
import type { Logger } from '@kubestats/core';

export class WarnOnce {
  readonly #logger: Logger;
  readonly #warned = new Map<string, Set<string>>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  warn(component: string, reason: string, fields: Record<string, unknown>, message: string): void {
    let reasons = this.#warned.get(component);
    if (!reasons) {
      reasons = new Set();
      this.#warned.set(component, reasons);
    }
    if (reasons.has(reason)) return;
    reasons.add(reason);
    this.#logger.warn({ plugin: component, reason, ...fields }, message);
  }

  /** The component worked again: its next failure of any kind is worth a warning. */
  clear(component: string): void {
    this.#warned.delete(component);
  }
}
