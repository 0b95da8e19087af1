/** The label-copier options shared by the pod and node-autoscaling enrichers (Heapster's flags of the same names). */
import { defineSchema } from '@kubestats/core';
import { LabelCopier } from './label-copier.js';

export const labelOptionsSchema = defineSchema({
  label_separator: { type: 'string', default: ',', description: 'Separator of the joined `labels` label.' },
  ignore_label: { type: 'list', default: [], description: 'Object labels left out of the joined `labels` label.' },
  store_label: {
    type: 'list',
    default: [],
    description: 'Object labels also copied into their own label key: `name` or `newName=name`.',
  },
});

export function labelCopierFromConfig(config: {
  readonly label_separator: string;
  readonly ignore_label: readonly string[];
  readonly store_label: readonly string[];
}): LabelCopier {
  return new LabelCopier({ separator: config.label_separator, ignoredLabels: config.ignore_label, storedLabels: config.store_label });
}
