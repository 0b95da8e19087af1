/** The agreed decoder interface: what the transport hands a decoder and what it gets back. */
import type { DiagnosticInput, MetricSet } from '@kubestats/core';

export interface DecodeContext {
  /** Node object name: `nodename` label and node keys. */
  readonly nodeName: string;
  /** `hostname` label (the node's Hostname address, else its name). */
  readonly hostname: string;
  /** `host_id` label (spec.externalID or the configured annotation). */
  readonly hostId: string;
  /** Decode time, epoch ms: `uptime` = nowMs − start. */
  readonly nowMs: number;
}

export interface DecodeResult {
  /** One set per entity, keys unique. */
  readonly metricSets: readonly MetricSet[];
  /** Values left out (`invalid-value`), duplicates resolved (`duplicate-*`), kubelet-reported gaps. */
  readonly diagnostics: readonly DiagnosticInput[];
}
