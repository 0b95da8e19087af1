/**
 * The process rows' view of the real InfluxDB (scripts/services up): is it there, InfluxQL queries, and the times at
 * which a series holds points, to compare what a process wrote with what it said it wrote.
 */
export const influxUrl = new URL(process.env.KUBESTATS_INFLUXDB_URL ?? 'http://127.0.0.1:8086');

interface InfluxResponse {
  readonly results: { series?: { name: string; columns: string[]; values: unknown[][] }[]; error?: string }[];
}

/** True when InfluxDB answers its ping; throws (naming the fix) when it does not: sink tests never skip. */
export async function influxAvailable(): Promise<boolean> {
  let available: boolean;
  try {
    available = (await fetch(`${influxUrl.origin}/ping`, { signal: AbortSignal.timeout(2000) })).status === 204;
  } catch {
    available = false;
  }
  if (!available) throw new Error(`InfluxDB is not reachable at ${influxUrl.origin}; start it with scripts/services up`);
  return available;
}

export async function influxql(statement: string, db?: string): Promise<InfluxResponse> {
  const params = new URLSearchParams({ q: statement, epoch: 'ms', ...(db ? { db } : {}) });
  const response = await fetch(`${influxUrl.origin}/query?${params.toString()}`, { method: /^\s*(select|show)/i.test(statement) ? 'GET' : 'POST' });
  const body = (await response.json()) as InfluxResponse;
  const error = body.results.find((result) => result.error !== undefined)?.error;
  if (error !== undefined) throw new Error(`InfluxDB ${statement}: ${error}`);
  return body;
}

/** Points in `db` over every measurement (`SELECT COUNT(*)` per measurement, summed over fields). */
export async function totalPoints(db: string): Promise<number> {
  const measurements = (await influxql('SHOW MEASUREMENTS', db)).results[0]?.series?.[0]?.values.map((row) => String(row[0])) ?? [];
  let total = 0;
  for (const measurement of measurements) {
    const body = await influxql(`SELECT COUNT(*) FROM "${measurement.replace(/"/g, '\\"')}"`, db);
    for (const series of body.results[0]?.series ?? []) for (const value of series.values[0]?.slice(1) ?? []) total += Number(value ?? 0);
  }
  return total;
}

/** Epoch-ms times at which `measurement` has a point matching `where`. */
export async function pointTimes(db: string, measurement: string, where: string): Promise<number[]> {
  const body = await influxql(`SELECT * FROM "${measurement}" WHERE ${where}`, db);
  return (body.results[0]?.series?.[0]?.values ?? []).map((row) => Number(row[0]));
}

export function uniqueDb(label: string): string {
  return `kubestats_reliability_${label}_${process.pid}_${Date.now().toString(36)}`;
}
