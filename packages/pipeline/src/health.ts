/**
 * The health model, as a pure function of what the pipeline knows, so each rule is tested without running cycles.
 *
 * - ready: the first cycle completed.
 * - healthy: ready, and the newest complete batch is younger than 3 resolutions and not empty. Heapster used a fixed
 *   3 minutes, which flaps for resolutions of about 3 minutes and more; this limit scales with the resolution.
 * - live: ticks still fire on time: no tick is overdue, and no cycle has been running, by more than
 *   2 resolutions + the scrape timeout. Before start() and after stop() nothing is expected, so it is live.
 */

export interface SinkHealth {
  readonly name: string;
  readonly ready: boolean;
  readonly detail: string;
  readonly queueDepth: number;
  readonly lastSuccessMs: number | undefined;
  readonly droppedBatches: number;
  readonly droppedPoints: number;
}

export interface PipelineHealth {
  readonly ready: boolean;
  readonly healthy: boolean;
  readonly live: boolean;
  readonly detail: string;
  readonly latestBatchTimestampMs: number | undefined;
  readonly cyclesCompleted: number;
  readonly cyclesSkipped: number;
  readonly sinks: readonly SinkHealth[];
}

export interface HealthInputs {
  readonly nowMs: number;
  readonly resolutionMs: number;
  readonly scrapeTimeoutMs: number;
  readonly cyclesCompleted: number;
  readonly cyclesSkipped: number;
  readonly latestBatch: { readonly timestampMs: number; readonly metricSetCount: number } | undefined;
  /** When the next tick is due, while ticking. */
  readonly nextTickDueAtMs: number | undefined;
  /** When the running cycle started, if one runs. */
  readonly cycleRunningSinceMs: number | undefined;
  readonly sinks: readonly SinkHealth[];
}

/** How old the newest batch may get before the pipeline is unhealthy, in resolutions. */
export const healthyBatchAgeResolutions = 3;

export function assessHealth(inputs: HealthInputs): PipelineHealth {
  const { nowMs, resolutionMs, latestBatch } = inputs;
  const ready = inputs.cyclesCompleted > 0;
  const problems: string[] = [];

  let healthy = ready && latestBatch !== undefined;
  if (!ready || !latestBatch) {
    problems.push('no cycle has completed yet');
  } else {
    const ageMs = nowMs - latestBatch.timestampMs;
    const limitMs = healthyBatchAgeResolutions * resolutionMs;
    if (ageMs >= limitMs) {
      healthy = false;
      problems.push(`newest batch is ${ageMs} ms old (limit ${limitMs} ms)`);
    }
    if (latestBatch.metricSetCount === 0) {
      healthy = false;
      problems.push('newest batch is empty');
    }
  }

  const lateLimitMs = 2 * resolutionMs + inputs.scrapeTimeoutMs;
  let live = true;
  if (inputs.nextTickDueAtMs !== undefined && nowMs - inputs.nextTickDueAtMs > lateLimitMs) {
    live = false;
    problems.push(`tick due at ${new Date(inputs.nextTickDueAtMs).toISOString()} is ${nowMs - inputs.nextTickDueAtMs} ms late`);
  }
  if (inputs.cycleRunningSinceMs !== undefined && nowMs - inputs.cycleRunningSinceMs > lateLimitMs) {
    live = false;
    problems.push(`cycle running for ${nowMs - inputs.cycleRunningSinceMs} ms (limit ${lateLimitMs} ms)`);
  }

  const detail =
    problems.length > 0
      ? problems.join('; ')
      : `ok: ${inputs.cyclesCompleted} cycles completed, ${inputs.cyclesSkipped} skipped`;
  return {
    ready,
    healthy,
    live,
    detail,
    latestBatchTimestampMs: latestBatch?.timestampMs,
    cyclesCompleted: inputs.cyclesCompleted,
    cyclesSkipped: inputs.cyclesSkipped,
    sinks: inputs.sinks,
  };
}
