/**
 * Types for `parse-prometheus-text-format` (the package ships none). Shapes follow prom2json: every sample value
 * and timestamp stays a string, so precision is decided by the caller.
 */
declare module 'parse-prometheus-text-format' {
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
  function parsePrometheusTextFormat(text: string): PrometheusFamily[];
  export default parsePrometheusTextFormat;
}
