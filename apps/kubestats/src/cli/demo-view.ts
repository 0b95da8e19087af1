/**
 * The demo's live view: nodes and the busiest pods from the latest batch, a marker on pods the explain trail has
 * something to say about, and where to look next (the API URL, the log file). Pure: the caller clears the screen.
 */
import { nodeKey, podKey, type ClusterMetadata, type DataBatch, type DiagnosticReason, type DiagnosticsLog } from '@kubestats/core';
import { collectNodeUsage, collectPodUsage } from '../api/resource-usage.js';
import { formatMebibytes, formatMillicores, renderTable } from './top-table.js';

export interface DemoFrameInput {
  readonly batch: DataBatch | undefined;
  readonly metadata: ClusterMetadata | undefined;
  readonly diagnostics: DiagnosticsLog;
  readonly resolutionMs: number;
  readonly apiUrl: string | undefined;
  readonly logFile: string | undefined;
  readonly cyclesCompleted: number;
  /** Busiest pods shown. */
  readonly podRows?: number;
}

/** Routine events of every series' first cycle (no rate yet, so no rate-derived value); not worth a marker. */
const routineReasons: ReadonlySet<DiagnosticReason> = new Set(['first-sample', 'missing-value']);

function hasExplanation(diagnostics: DiagnosticsLog, key: string): boolean {
  return diagnostics.forKeyPrefix(key).some((diagnostic) => !routineReasons.has(diagnostic.reason));
}

function percent(part: number | undefined, whole: number | undefined): string {
  return part === undefined || whole === undefined || whole <= 0 ? '-' : `${Math.round((100 * part) / whole)}%`;
}

export function renderDemoFrame(input: DemoFrameInput): string {
  const { batch, metadata, diagnostics } = input;
  const header = [
    `kubestats demo — simulated cluster, resolution ${input.resolutionMs / 1000}s, ${input.cyclesCompleted} cycle(s) done${batch ? `, batch ${new Date(batch.timestampMs).toISOString()}` : ''}`,
    `API ${input.apiUrl ?? '(starting)'}  e.g. curl ${input.apiUrl ?? 'http://127.0.0.1:8082'}/apis/metrics.k8s.io/v1beta1/nodes${input.logFile ? `   logs: ${input.logFile}` : ''}`,
    '',
  ];
  if (!batch) return [...header, 'waiting for the first cycle…', '', 'Ctrl-C to stop'].join('\n');

  const nodes = collectNodeUsage(batch, metadata, input.resolutionMs);
  const nodeNames = new Set([...nodes.map((node) => node.name), ...(metadata?.listNodes().map((node) => node.name) ?? [])]);
  const nodeRows = [...nodeNames].sort().map((name) => {
    const usage = nodes.find((node) => node.name === name);
    const allocatable = metadata?.getNode(name)?.allocatable;
    const memory = usage?.memoryWorkingSetBytes === undefined ? undefined : Number(usage.memoryWorkingSetBytes);
    const marker = hasExplanation(diagnostics, nodeKey(name)) ? '*' : ' ';
    return [
      `${marker} ${name}`,
      formatMillicores(usage?.cpuMillicores),
      percent(usage?.cpuMillicores, allocatable?.cpu),
      formatMebibytes(memory),
      percent(memory, allocatable?.memory),
    ];
  });

  const pods = collectPodUsage(batch, metadata, input.resolutionMs);
  const cpuOfPod = (pod: (typeof pods)[number]): number | undefined =>
    pod.containers.some((container) => container.cpuMillicores !== undefined)
      ? pod.containers.reduce((total, container) => total + (container.cpuMillicores ?? 0), 0)
      : undefined;
  const busiest = [...pods].sort((a, b) => (cpuOfPod(b) ?? -1) - (cpuOfPod(a) ?? -1)).slice(0, input.podRows ?? 10);
  const podRows = busiest.map((pod) => {
    const memory = pod.containers.reduce((total, container) => total + Number(container.memoryWorkingSetBytes ?? 0n), 0);
    const marker = hasExplanation(diagnostics, podKey(pod.namespace, pod.name)) || pod.missingContainers.length > 0 ? '*' : ' ';
    return [`${marker} ${pod.namespace}`, pod.name, pod.nodeName ?? '?', formatMillicores(cpuOfPod(pod)), formatMebibytes(memory)];
  });

  const served = new Set(pods.map((pod) => `${pod.namespace}/${pod.name}`));
  const unserved = (metadata?.listPods() ?? []).filter((pod) => pod.phase === 'Running' && !served.has(`${pod.namespace}/${pod.name}`));
  const footer = ['', `* the explain trail has something to say: kubestats explain pod NS/NAME (or node NAME)`];
  if (unserved.length > 0) {
    const first = unserved[0];
    footer.push(`${unserved.length} running pod(s) without metrics yet${first ? `, e.g. kubestats explain pod ${first.namespace}/${first.name}` : ''}`);
  }
  footer.push('Ctrl-C to stop');

  return [
    ...header,
    renderTable([['  NODE', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%'], ...nodeRows]),
    '',
    `busiest pods (${pods.length} with metrics):`,
    renderTable([['  NAMESPACE', 'POD', 'NODE', 'CPU(cores)', 'MEMORY(bytes)'], ...podRows]),
    ...footer,
  ].join('\n');
}
