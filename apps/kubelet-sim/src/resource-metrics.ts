/**
 * Builds a kubelet's `/metrics/resource` Prometheus text for one node, like the metrics-server kind fixture plus
 * `container_start_time_seconds` (added to the endpoint in later releases). Samples carry the request time in ms;
 * numbers are spelled as Go's strconv.FormatFloat(v, 'g', -1, 64) spells them, as the kubelet does.
 */
import { servedCounter, type KubeletPayloadContext } from './kubelet-payload-context.js';

/** Go's shortest `%g`: exponent form (at least two exponent digits) when the decimal exponent is < -4 or >= 6. */
export function formatGoFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const FAMILIES = {
  containerCpu: ['container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds'],
  containerMemory: ['container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes'],
  containerStart: ['container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds'],
  nodeCpu: ['node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds'],
  nodeMemory: ['node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes'],
  podCpu: ['pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds'],
  podMemory: ['pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes'],
  scrapeError: ['scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise'],
} as const;

export function buildResourceMetrics(ctx: KubeletPayloadContext): string {
  const { state, node } = ctx;
  const t = Math.floor(ctx.tMs);
  const ts = ` ${t}`;
  const lines: Record<keyof typeof FAMILIES, string[]> = {
    containerCpu: [],
    containerMemory: [],
    containerStart: [],
    nodeCpu: [],
    nodeMemory: [],
    podCpu: [],
    podMemory: [],
    scrapeError: [],
  };
  for (const pod of node.pods.values()) {
    if (t < pod.startMs) continue;
    const podLabels = `namespace="${escapeLabel(pod.namespace)}",pod="${escapeLabel(pod.name)}"`;
    for (const c of pod.containers) {
      const inst = state.instanceAt(c, t);
      if (!inst) continue;
      const labels = `{container="${escapeLabel(c.name)}",${podLabels}}`;
      const counter = servedCounter(ctx, ctx.containerQuirks(pod, c), state.containerCounterCoreNs(pod, c, t));
      lines.containerCpu.push(`container_cpu_usage_seconds_total${labels} ${formatGoFloat(counter / 1e9)}${ts}`);
      lines.containerMemory.push(`container_memory_working_set_bytes${labels} ${formatGoFloat(state.containerWorkingSetBytes(pod, c, t))}${ts}`);
      lines.containerStart.push(`container_start_time_seconds${labels} ${formatGoFloat(inst.startMs / 1000)}${ts}`);
    }
    lines.podCpu.push(`pod_cpu_usage_seconds_total{${podLabels}} ${formatGoFloat(state.podCounterCoreNs(pod, t) / 1e9)}${ts}`);
    lines.podMemory.push(`pod_memory_working_set_bytes{${podLabels}} ${formatGoFloat(state.podWorkingSetBytes(pod, t))}${ts}`);
  }
  lines.nodeCpu.push(`node_cpu_usage_seconds_total ${formatGoFloat(state.nodeCounterCoreNs(node, t) / 1e9)}${ts}`);
  lines.nodeMemory.push(`node_memory_working_set_bytes ${formatGoFloat(state.nodeWorkingSetBytes(node, t))}${ts}`);
  lines.scrapeError.push('scrape_error 0');
  let out = '';
  for (const key of Object.keys(FAMILIES) as (keyof typeof FAMILIES)[]) {
    const [name, type, help] = FAMILIES[key];
    out += `# HELP ${name} [ALPHA] ${help}\n# TYPE ${name} ${type}\n`;
    for (const line of lines[key]) out += `${line}\n`;
  }
  return out;
}
