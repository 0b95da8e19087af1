/**
 * Kubernetes resource.Quantity strings as the metrics API serves them: CPU as a decimal milli-quantity (`250m`, `2`)
 * and memory in BinarySI (`524288Ki`, `1Gi`, or plain bytes), the canonical forms kubectl and the HPA parse.
 */

export function formatCpuQuantity(millicores: number): string {
  const rounded = Math.max(0, Math.round(millicores));
  return rounded % 1000 === 0 ? String(rounded / 1000) : `${rounded}m`;
}

const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

export function formatMemoryQuantity(bytes: number | bigint): string {
  let value = typeof bytes === 'bigint' ? bytes : BigInt(Math.max(0, Math.round(bytes)));
  if (value < 0n) value = 0n;
  let suffixIndex = 0;
  while (value !== 0n && value % 1024n === 0n && suffixIndex < binarySuffixes.length - 1) {
    value /= 1024n;
    suffixIndex += 1;
  }
  return `${value}${binarySuffixes[suffixIndex]}`;
}

/** Parses a CPU quantity (`250m`, `2`, `704595n`, `1.5`) into millicores; undefined when malformed. */
export function parseCpuQuantity(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const scale = { n: 1e-6, u: 1e-3, m: 1 }[match[2] as 'n' | 'u' | 'm'] ?? 1000;
  return value * scale;
}

/** Parses a memory quantity (`13964Ki`, `1Gi`, `128M`, `1000`) into bytes; undefined when malformed. */
export function parseMemoryQuantity(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(text.trim());
  if (!match) return undefined;
  const multipliers: Record<string, number> = {
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
    k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  };
  return Number(match[1]) * (multipliers[match[2] ?? ''] ?? 1);
}
