/** A failure to fetch one kubelet's body, with its reason from core's vocabulary and a message naming the kubelet. */
import type { DiagnosticReason } from '@kubestats/core';

export class ScrapeError extends Error {
  override readonly name = 'ScrapeError';
  readonly reason: DiagnosticReason;

  constructor(reason: DiagnosticReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
