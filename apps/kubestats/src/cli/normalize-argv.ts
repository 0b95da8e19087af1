/**
 * Heapster's flags treat `_` and `-` alike (`--metric_resolution` = `--metric-resolution`). Commander does not, so
 * the flag names (never their values) are normalised to dashes before parsing.
 */

/** `--metric_resolution=1m_x` → `--metric-resolution=1m_x`; positional arguments and values are untouched. */
export function normalizeArgv(args: readonly string[]): string[] {
  const normalized: string[] = [];
  let afterDoubleDash = false;
  for (const arg of args) {
    if (afterDoubleDash || !arg.startsWith('--') || arg === '--') {
      if (arg === '--') afterDoubleDash = true;
      normalized.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const rest = equals === -1 ? '' : arg.slice(equals);
    normalized.push(`--${name.slice(2).replace(/_/g, '-')}${rest}`);
  }
  return normalized;
}

/** `metricResolution` (commander's attribute name) → `metric_resolution` (the setting's canonical name). */
export function settingNameOfAttribute(attribute: string): string {
  return attribute.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
