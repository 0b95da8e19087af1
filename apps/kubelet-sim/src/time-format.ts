/** Time spellings the simulated payloads use, matching what Kubernetes and cAdvisor emit. */

/** metav1.Time: RFC 3339 with whole seconds (`2023-11-10T06:20:52Z`). */
export function rfc3339Seconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Go's time.Time JSON with nanoseconds, as cAdvisor writes it (`2017-05-04T15:30:22.688000000Z`). */
export function rfc3339Nanos(ms: number): string {
  const whole = Math.floor(ms);
  const subMs = Math.round((ms - whole) * 1_000_000);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(subMs).padStart(6, '0')}Z`;
}
