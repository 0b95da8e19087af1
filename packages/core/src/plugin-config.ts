/**
 * Turns a Heapster-style URI into a plugin's validated config: the glue between `--source`/`--sink` flags (or the
 * YAML config) and a factory's schema.
 */
import { parseOptions, secretOptionNames, type ConfigOf, type ConfigSchema } from './config-schema.js';
import type { PluginFactory, PluginKind } from './contracts.js';
import { ConfigError } from './errors.js';
import { parsePluginUri } from './plugin-uri.js';

export interface ResolvedPluginConfig<S extends ConfigSchema> {
  readonly config: ConfigOf<S>;
  readonly target: string | undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The URI as it may appear in errors and logs: the values of `secretNames` options and any password in the URL's
 * user info replaced by `***`.
 */
export function redactPluginUri(text: string, secretNames: readonly string[]): string {
  let redacted = text.replace(/(\/\/[^/@:?#]*:)[^/@?#]*@/g, '$1***@');
  for (const name of secretNames) redacted = redacted.replace(new RegExp(`([?&]${escapeRegExp(name)}=)[^&#]*`, 'g'), '$1***');
  return redacted;
}

/** Parses `uriText` for `factory`; throws a ConfigError listing every problem, each named by option. */
export function resolvePluginConfig<S extends ConfigSchema>(
  factory: PluginFactory<PluginKind, S, unknown>,
  uriText: string,
  env: Readonly<Record<string, string | undefined>> = {},
): ResolvedPluginConfig<S> {
  const secretNames = secretOptionNames(factory.configSchema);
  // Config errors end up on stderr and in logs: never with a password in them.
  const subject = `${factory.kind} ${JSON.stringify(redactPluginUri(uriText, secretNames))}`;
  const parsed = parsePluginUri(uriText, env);
  if (!parsed.ok) throw new ConfigError(subject, [{ path: factory.kind, message: redactPluginUri(parsed.message, secretNames) }]);
  if (parsed.uri.type !== factory.type) {
    throw new ConfigError(subject, [{ path: 'type', message: `expected ${factory.type}, got ${parsed.uri.type}` }]);
  }
  const options = parseOptions(factory.configSchema, parsed.uri.options);
  if (!options.ok) throw new ConfigError(subject, options.problems);
  return { config: options.config, target: parsed.uri.target };
}
