/**
 * How a sink that writes a batch in chunks turns its per-chunk outcomes into one ExportResult: points written and
 * rejected are summed, and a batch whose every point was rejected is a PermanentError, so the host does not retry it.
 */
import type { ExportResult, ItemFailure } from './contracts.js';
import { PermanentError } from './errors.js';

export interface ChunkOutcome {
  readonly written: number;
  readonly rejected: number;
  readonly failure?: ItemFailure;
}

export function exportResultOf(
  sinkName: string,
  mappingFailures: readonly ItemFailure[],
  outcomes: Iterable<ChunkOutcome>,
): ExportResult {
  let pointsWritten = 0;
  let pointsRejected = mappingFailures.length;
  const failures: ItemFailure[] = [...mappingFailures];
  for (const outcome of outcomes) {
    pointsWritten += outcome.written;
    pointsRejected += outcome.rejected;
    if (outcome.failure) failures.push(outcome.failure);
  }
  if (pointsWritten === 0 && pointsRejected > 0) {
    throw new PermanentError(`${sinkName}: all ${pointsRejected} points rejected: ${failures.map((failure) => failure.detail).join('; ')}`);
  }
  return { pointsWritten, pointsRejected, failures };
}
