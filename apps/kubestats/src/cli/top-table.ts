/**
 * `kubestats top`: kubectl-top-like tables from metrics.k8s.io/v1beta1 lists, and the aligned-column renderer the
 * demo's live view shares. CPU in millicores (`250m`), memory in MiB (`128Mi`), as kubectl prints them.
 */
import { parseCpuQuantity, parseMemoryQuantity } from '../api/quantity.js';

/** Columns padded to their widest cell, separated by three spaces (kubectl's tabwriter look). */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('   ').trimEnd()).join('\n');
}

export function formatMillicores(millicores: number | undefined): string {
  return millicores === undefined ? '<unknown>' : `${Math.round(millicores)}m`;
}

export function formatMebibytes(bytes: number | bigint | undefined): string {
  return bytes === undefined ? '<unknown>' : `${Math.round(Number(bytes) / 2 ** 20)}Mi`;
}

interface UsageItem {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly usage?: Readonly<Record<string, string>>;
  readonly containers?: readonly { readonly name?: string; readonly usage?: Readonly<Record<string, string>> }[];
}

function itemsOf(list: unknown, kind: string): UsageItem[] {
  const items = (list as { items?: unknown } | undefined)?.items;
  if (items === null) return [];
  if (!Array.isArray(items)) throw new Error(`expected a ${kind} with items, got ${JSON.stringify(list).slice(0, 200)}`);
  return items as UsageItem[];
}

function cpuOf(usage: Readonly<Record<string, string>> | undefined): number | undefined {
  return usage?.cpu === undefined ? undefined : parseCpuQuantity(usage.cpu);
}

function memoryOf(usage: Readonly<Record<string, string>> | undefined): number | undefined {
  return usage?.memory === undefined ? undefined : parseMemoryQuantity(usage.memory);
}

export function renderTopNodes(list: unknown): string {
  const items = itemsOf(list, 'NodeMetricsList');
  if (items.length === 0) return 'No resources found: no node has metrics yet (see `kubestats explain node NAME`).';
  const rows = items.map((item) => [item.metadata?.name ?? '?', formatMillicores(cpuOf(item.usage)), formatMebibytes(memoryOf(item.usage))]);
  return renderTable([['NAME', 'CPU(cores)', 'MEMORY(bytes)'], ...rows]);
}

function sumOf(values: readonly (number | undefined)[]): number | undefined {
  return values.some((value) => value !== undefined) ? values.reduce<number>((total, value) => total + (value ?? 0), 0) : undefined;
}

export function renderTopPods(list: unknown, options: { readonly allNamespaces: boolean }): string {
  const items = itemsOf(list, 'PodMetricsList');
  if (items.length === 0) return 'No resources found: no pod has metrics yet (see `kubestats explain pod NS/NAME`).';
  const rows = items.map((item) => {
    const containers = item.containers ?? [];
    const cells = [
      item.metadata?.name ?? '?',
      formatMillicores(sumOf(containers.map((container) => cpuOf(container.usage)))),
      formatMebibytes(sumOf(containers.map((container) => memoryOf(container.usage)))),
    ];
    return options.allNamespaces ? [item.metadata?.namespace ?? '?', ...cells] : cells;
  });
  const header = ['NAME', 'CPU(cores)', 'MEMORY(bytes)'];
  return renderTable([options.allNamespaces ? ['NAMESPACE', ...header] : header, ...rows]);
}
