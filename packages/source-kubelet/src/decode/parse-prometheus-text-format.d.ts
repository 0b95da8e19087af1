/**
 * Types for `parse-prometheus-text-format` (the package ships none; it is CommonJS with a function as
 * module.exports). Shapes follow prom2json: every sample value and timestamp stays a string, so precision is
 * decided by the caller.
 */
declare module 'parse-prometheus-text-format' {
  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.PrometheusFamily[];
  namespace parsePrometheusTextFormat {
    interface PrometheusSample {
      readonly value: string;
      readonly labels?: Readonly<Record<string, string>>;
      readonly timestamp_ms?: string;
    }
    interface PrometheusFamily {
      readonly name: string;
      readonly help: string;
      readonly type: string;
      readonly metrics: readonly PrometheusSample[];
    }
  }
  export = parsePrometheusTextFormat;
}
