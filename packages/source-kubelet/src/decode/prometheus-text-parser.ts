/**
 * Typed access to `parse-prometheus-text-format` (CommonJS, no types of its own). Shapes follow prom2json: every
 * sample value and timestamp stays a string, so the decoder decides precision. A module rather than an ambient
 * declaration, so packages that typecheck this one's sources see the types too.
 */
import { createRequire } from 'node:module';

export interface PrometheusSample {
  readonly value: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly timestamp_ms?: string;
}

export interface PrometheusFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly metrics: readonly PrometheusSample[];
}

const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => PrometheusFamily[];

export function parsePrometheusText(text: string): PrometheusFamily[] {
  return parse(text);
}
