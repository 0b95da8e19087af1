/**
 * Names components uniquely. Names label self-metrics, health and diagnostics, so two sinks of one type (two
 * InfluxDB databases, say) must not share one: the second becomes `sink/influxdb#2`.
 */

export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}#${count}`;
  });
}
