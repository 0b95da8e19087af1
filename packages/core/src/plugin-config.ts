/**
 * Turns a Heapster-style URI into a plugin's validated config: the glue between `--source`/`--sink` flags (or the
 * YAML config) and a factory's schema.
 */
import { parseOptions, type ConfigOf, type ConfigSchema } from './config-schema.js';
import type { PluginFactory, PluginKind } from './contracts.js';
import { ConfigError } from './errors.js';
import { parsePluginUri } from './plugin-uri.js';

export interface ResolvedPluginConfig<S extends ConfigSchema> {
  readonly config: ConfigOf<S>;
  readonly target: string | undefined;
}

/** Parses `uriText` for `factory`; throws a ConfigError listing every problem, each named by option. */
export function resolvePluginConfig<S extends ConfigSchema>(
  factory: PluginFactory<PluginKind, S, unknown>,
  uriText: string,
  env: Readonly<Record<string, string | undefined>> = {},
): ResolvedPluginConfig<S> {
  const subject = `${factory.kind} ${JSON.stringify(uriText)}`;
  const parsed = parsePluginUri(uriText, env);
  if (!parsed.ok) throw new ConfigError(subject, [{ path: factory.kind, message: parsed.message }]);
  if (parsed.uri.type !== factory.type) {
    throw new ConfigError(subject, [{ path: 'type', message: `expected ${factory.type}, got ${parsed.uri.type}` }]);
  }
  const options = parseOptions(factory.configSchema, parsed.uri.options);
  if (!options.ok) throw new ConfigError(subject, options.problems);
  return { config: options.config, target: parsed.uri.target };
}
