/**
 * Kubernetes resource quantities (`100m`, `128Mi`, `1.5`, `1e3`, `500n`) as plain numbers in base units, so
 * ClusterMetadata carries cpu in millicores and memory/storage in bytes (core's ResourceList contract).
 * Grammar: apimachinery's resource.Quantity (`<signed-number><suffix>`, suffix binary SI, decimal SI or exponent).
 */
import type { ResourceList } from '@kubestats/core';

const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const decimalSuffixes: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const quantityPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity in base units (`128Mi` → 134217728, `100m` → 0.1); undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = quantityPattern.exec(text.trim());
  if (!match) return undefined;
  const [, mantissa = '', exponent, suffix = ''] = match;
  // Scale through the decimal string, not by multiplying floats, so `0.1` × 10^3 is exactly 100.
  if (exponent !== undefined) return Number(`${mantissa}${exponent}`);
  const binary = binarySuffixes[suffix];
  if (binary !== undefined) return Number(mantissa) * binary;
  const power = decimalSuffixes[suffix] ?? 0;
  return Number(`${mantissa}e${power}`);
}

/** CPU in millicores, rounded up as apimachinery's MilliValue does (`1n` → 1, `2` → 2000). */
export function parseCpuMillicores(text: string): number | undefined {
  const match = quantityPattern.exec(text.trim());
  if (!match) return undefined;
  const [, mantissa = '', exponent, suffix = ''] = match;
  if (binarySuffixes[suffix] !== undefined) {
    const cores = parseQuantity(text);
    return cores === undefined ? undefined : Math.ceil(cores * 1000);
  }
  const power = exponent !== undefined ? Number(exponent.slice(1)) : (decimalSuffixes[suffix] ?? 0);
  return Math.ceil(Number(`${mantissa}e${power + 3}`));
}

/**
 * A `capacity`/`requests`-style map in base units: `cpu` in millicores, everything else (memory, storage,
 * hugepages, pods, extended resources) as counted. Unparseable entries are left out and reported to `onInvalid`.
 */
export function resourceListFromQuantities(
  quantities: Readonly<Record<string, string | number>> | undefined,
  onInvalid: (resource: string, text: string) => void = () => undefined,
): ResourceList {
  const list: Record<string, number> = {};
  for (const [resource, raw] of Object.entries(quantities ?? {})) {
    const text = String(raw);
    const value = resource === 'cpu' ? parseCpuMillicores(text) : parseQuantity(text);
    if (value === undefined || !Number.isFinite(value)) onInvalid(resource, text);
    else list[resource] = value;
  }
  return list;
}
