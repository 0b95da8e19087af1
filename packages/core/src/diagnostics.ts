/**
 * The explain trail's vocabulary: every place that drops, skips, dedupes or delays something records a Diagnostic
 * with a reason from this closed set, so reasons can be counted in self-metrics, asserted in tests and rendered by
 * the explain API without parsing log lines.
 */

export const diagnosticReasons = {
  // discovery and scrape (source)
  'node-not-ready': 'The node is not Ready, so its kubelet was not scraped.',
  'node-no-address': 'The node has no address of the preferred types.',
  'scrape-refused': 'The kubelet refused the connection.',
  'scrape-timeout': 'The kubelet did not answer within the per-node timeout.',
  'scrape-http-error': 'The kubelet answered with an HTTP error status.',
  'scrape-unauthorized': 'The kubelet answered 401/403: check RBAC for nodes/stats and the bearer token.',
  'scrape-tls-error': 'TLS to the kubelet failed (certificate not trusted, no IP SAN, handshake error).',
  'scrape-network-error': 'The connection to the kubelet failed (reset, DNS, unreachable).',
  'response-too-large': 'The kubelet response exceeded the size cap.',
  'decode-error': 'The kubelet response could not be decoded (truncated, invalid, wrong shape).',
  'invalid-value': 'A value was negative, NaN or out of range and was left out.',
  'duplicate-cgroup-resolved': 'One container was reported under several cgroups; one was kept by a fixed rule.',
  'duplicate-container-resolved': 'Two containers of one pod shared a name; the newer one was kept.',
  'pod-on-several-nodes': 'One pod was reported by several kubelets; the one its metadata names was kept.',
  // rate
  'first-sample': 'First sample of a series: the rate comes from the next scrape.',
  'counter-reset': 'The counter decreased: treated as a restart from zero.',
  'start-time-changed': 'The start time changed: treated as a restart from zero.',
  'stale-sample': 'The sample is not newer than the previous one, so no rate was computed.',
  'series-evicted': 'The series was unseen for too many cycles and its rate state was dropped.',
  // enrichment and aggregation
  'missing-metadata': 'The pod, node or namespace is not in the cluster metadata cache.',
  'zero-allocatable': 'The node reports zero allocatable, so utilization and reservation were skipped.',
  'partial-pod': 'Some of the pod\u2019s containers lack a value; the pod is reported with what exists.',
  'missing-value': 'A metric the entity normally has is absent from this scrape.',
  // host and sinks
  'key-from-several-sources':
    'Several sources reported the same metric set; the set of the source listed last was kept.',
  'cycle-overrun': 'A cycle ran past its next tick, so that tick was skipped.',
  'component-deadline': 'A component did not finish before its deadline.',
  'component-failed': 'A component call failed as a whole.',
  'sink-retry': 'An export failed with a retryable error and will be retried.',
  'sink-rejected': 'The sink permanently rejected points (not retried).',
  'sink-queue-overflow': 'A sink\u2019s queue was full and a batch was dropped by its drop policy.',
  'sink-not-ready': 'The sink has not connected yet.',
  'sink-stopped': 'Batches still queued when the sink stopped were dropped.',
} as const;

export type DiagnosticReason = keyof typeof diagnosticReasons;

export const allDiagnosticReasons = Object.keys(diagnosticReasons) as DiagnosticReason[];

export function isDiagnosticReason(value: string): value is DiagnosticReason {
  return Object.hasOwn(diagnosticReasons, value);
}

/** Where in the pipeline a diagnostic was recorded. */
export type DiagnosticStage =
  | 'discovery'
  | 'scrape'
  | 'decode'
  | 'dedupe'
  | 'rate'
  | 'enrich'
  | 'aggregate'
  | 'export'
  | 'pipeline';

/** What a plugin reports; the host adds the time. */
export interface DiagnosticInput {
  /** Metric-set key (`namespace:ns/pod:p`), node key, or component name for pipeline-level events. */
  readonly key: string;
  readonly stage: DiagnosticStage;
  readonly reason: DiagnosticReason;
  /** Plain-language specifics: which node, which cgroup, which value, which scrape. */
  readonly detail: string;
  /** The node involved, when there is one; lets explain find a pod's node-level failures. */
  readonly node?: string;
}

export interface Diagnostic extends DiagnosticInput {
  /** Epoch milliseconds when it was recorded. */
  readonly atMs: number;
}

export interface DiagnosticsLogOptions {
  /**
   * Keys remembered at most; when full, the least recently updated tenth (at least one key) is forgotten at once.
   */
  readonly maxKeys?: number;
}

/**
 * Latest diagnostic per (key, reason), bounded in keys, plus a running count per reason. Pure bookkeeping: the
 * pipeline records into it, the explain API reads from it.
 */
export class DiagnosticsLog {
  readonly #maxKeys: number;
  readonly #byKey = new Map<string, Map<DiagnosticReason, Diagnostic>>();
  readonly #counts = new Map<DiagnosticReason, number>();
  #forgottenKeys = 0;

  constructor(options: DiagnosticsLogOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  record(diagnostic: Diagnostic): void {
    this.#counts.set(diagnostic.reason, (this.#counts.get(diagnostic.reason) ?? 0) + 1);
    let entries = this.#byKey.get(diagnostic.key);
    if (entries) {
      this.#byKey.delete(diagnostic.key); // re-insert to mark as most recently updated
    } else {
      entries = new Map();
      if (this.#byKey.size >= this.#maxKeys) this.#forgetOldest();
    }
    entries.delete(diagnostic.reason);
    entries.set(diagnostic.reason, diagnostic);
    this.#byKey.set(diagnostic.key, entries);
  }

  /**
   * Forgets the least recently updated tenth of the keys in one pass. Forgetting one key per new key made every
   * insert start a fresh iteration, which walks past the holes earlier deletions left at the front of the Map until
   * V8 compacts it: quadratic once the log was full (the 470,000 first samples of a 5,000-node fleet's first cycle
   * took seconds). One pass per tenth makes the walk amortised constant per record.
   */
  #forgetOldest(): void {
    let toForget = Math.max(1, Math.ceil(this.#maxKeys / 10));
    for (const key of this.#byKey.keys()) {
      this.#byKey.delete(key);
      this.#forgottenKeys += 1;
      toForget -= 1;
      if (toForget === 0) break;
    }
  }

  /** Latest diagnostics of one key, oldest first. */
  forKey(key: string): Diagnostic[] {
    const entries = this.#byKey.get(key);
    return entries ? [...entries.values()].sort((a, b) => a.atMs - b.atMs) : [];
  }

  /** Latest diagnostics of every key that starts with `prefix` (e.g. a pod key and its containers), oldest first. */
  forKeyPrefix(prefix: string): Diagnostic[] {
    const found: Diagnostic[] = [];
    for (const [key, entries] of this.#byKey) {
      if (key === prefix || key.startsWith(`${prefix}/`)) found.push(...entries.values());
    }
    return found.sort((a, b) => a.atMs - b.atMs);
  }

  /** Drops diagnostics recorded before `cutoffMs`, so a cleared problem stops being explained. */
  expireBefore(cutoffMs: number): void {
    for (const [key, entries] of this.#byKey) {
      for (const [reason, diagnostic] of entries) {
        if (diagnostic.atMs < cutoffMs) entries.delete(reason);
      }
      if (entries.size === 0) this.#byKey.delete(key);
    }
  }

  /** Total diagnostics recorded per reason since start. */
  counts(): ReadonlyMap<DiagnosticReason, number> {
    return this.#counts;
  }

  /** The most keys it holds before forgetting the oldest tenth. */
  get maxKeys(): number {
    return this.#maxKeys;
  }

  get keyCount(): number {
    return this.#byKey.size;
  }

  /**
   * Keys forgotten because the log was full (expiry does not count): when this grows, explain may lack the reason for
   * an entity, and `maxKeys` is smaller than the fleet's burst of diagnostics.
   */
  get forgottenKeyCount(): number {
    return this.#forgottenKeys;
  }
}
