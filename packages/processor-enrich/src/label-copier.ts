/**
 * Heapster's label copier (metrics/util/label_copier.go): object labels become the joined `labels` label, and
 * `store_label` options copy chosen labels into their own keys. Shared by the pod and node enrichers.
 */
import { joinObjectLabels, LabelKeys } from '@kubestats/core';

export interface LabelCopierOptions {
  /** Separator of the joined `labels` value (Heapster's `--label_separator`, default `,`). */
  readonly separator: string;
  /** Labels left out of the joined value (`--ignore_label`). */
  readonly ignoredLabels: readonly string[];
  /** `name` or `newName=name` (`--store_label`): copy label `name` into key `newName` (default: `name`). */
  readonly storedLabels: readonly string[];
}

export class LabelCopier {
  readonly #separator: string;
  readonly #ignored: ReadonlySet<string>;
  /** object label name -> target key. */
  readonly #stored: ReadonlyMap<string, string>;

  constructor(options: LabelCopierOptions) {
    this.#separator = options.separator;
    this.#ignored = new Set(options.ignoredLabels);
    const stored = new Map<string, string>();
    for (const entry of options.storedLabels) {
      const equals = entry.indexOf('=');
      if (equals < 0) stored.set(entry, entry);
      else stored.set(entry.slice(equals + 1), entry.slice(0, equals));
    }
    this.#stored = stored;
  }

  /** The labels to add to a set for an object carrying `objectLabels`. */
  labelsFor(objectLabels: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = { [LabelKeys.labels]: joinObjectLabels(objectLabels, this.#separator, this.#ignored) };
    for (const [name, target] of this.#stored) {
      const value = objectLabels[name];
      if (value !== undefined) out[target] = value;
    }
    return out;
  }
}
