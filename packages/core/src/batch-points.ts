/** Point counting: sinks write one point per metric value and per labeled metric, so drops are counted in points. */
import type { DataBatch } from './metric-set.js';

export function countPoints(batch: DataBatch): number {
  let points = 0;
  for (const set of batch.metricSets.values()) points += set.metricValues.size + set.labeledMetrics.length;
  return points;
}
