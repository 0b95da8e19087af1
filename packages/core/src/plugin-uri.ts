/**
 * Heapster-style plugin URIs: `--source=kubernetes.summary_api:https://host?kubeletPort=10250` or
 * `--sink=influxdb:http://127.0.0.1:8086?db=k8s`. The type is everything before the first `:`; the rest is a URL
 * whose query holds the options (repeatable keys kept in order). `$VAR`/`${VAR}` are expanded as Heapster did.
 */

export interface PluginUri {
  /** `kubernetes.summary_api`, `influxdb`, `memory`. */
  readonly type: string;
  /** The URL without its query (`https://host`, `http://127.0.0.1:8086`); undefined when none was given. */
  readonly target: string | undefined;
  /** Query options; a key given several times keeps every value. */
  readonly options: Readonly<Record<string, readonly string[]>>;
}

export type ParsePluginUriResult =
  | { readonly ok: true; readonly uri: PluginUri }
  | { readonly ok: false; readonly message: string };

export function expandEnvironment(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_match, braced: string | undefined, bare: string | undefined) => {
    return env[braced ?? bare ?? ''] ?? '';
  });
}

export function parsePluginUri(
  text: string,
  env: Readonly<Record<string, string | undefined>> = {},
): ParsePluginUriResult {
  const expanded = expandEnvironment(text.trim(), env);
  const colon = expanded.indexOf(':');
  const type = colon === -1 ? expanded : expanded.slice(0, colon);
  if (!/^[a-z][\w.-]*$/i.test(type)) {
    return { ok: false, message: `${JSON.stringify(text)}: expected TYPE[:URL][?options], e.g. influxdb:http://127.0.0.1:8086?db=k8s` };
  }
  const rest = colon === -1 ? '' : expanded.slice(colon + 1);
  const questionMark = rest.indexOf('?');
  let targetText = questionMark === -1 ? rest : rest.slice(0, questionMark);
  // Heapster's docs write an empty target as a shell-quoted `''` (`kubernetes.summary_api:''`).
  if (targetText === "''" || targetText === '""') targetText = '';
  const query = questionMark === -1 ? '' : rest.slice(questionMark + 1);
  // A Map, then own properties: `?constructor=x` or `?__proto__=x` must be options, not Object.prototype members.
  const collected = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(query)) {
    const values = collected.get(name);
    if (values) values.push(value);
    else collected.set(name, [value]);
  }
  const options: Record<string, string[]> = Object.fromEntries(collected);
  let target: string | undefined;
  if (targetText !== '') {
    try {
      const url = new URL(targetText);
      target = url.href.endsWith('/') && !targetText.endsWith('/') ? url.href.slice(0, -1) : url.href;
    } catch {
      return { ok: false, message: `${JSON.stringify(text)}: ${JSON.stringify(targetText)} is not a URL (expected e.g. http://host:port)` };
    }
  }
  return { ok: true, uri: { type, target, options } };
}
