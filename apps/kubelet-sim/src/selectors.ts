/**
 * Label and field selectors as the apiserver parses them (`app=web,tier!=db,env in (a,b),!legacy`;
 * `spec.nodeName=node-3`), compiled to predicates over served objects. Unsupported field labels are rejected
 * like the real apiserver does, so a client bug shows up here too.
 */
export type ObjectPredicate = (object: Record<string, unknown>) => boolean;

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function labelsOf(object: Record<string, unknown>): Record<string, string> {
  const metadata = object.metadata as { labels?: Record<string, string> } | undefined;
  return metadata?.labels ?? {};
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

export function parseLabelSelector(text: string): ObjectPredicate {
  const requirements: ObjectPredicate[] = [];
  for (const part of splitTopLevel(text)) {
    let m: RegExpMatchArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const [, key = '', op, list = ''] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      checkKey(key, text);
      requirements.push(op === 'in' ? (o) => values.has(labelsOf(o)[key] ?? '\u0000') : (o) => !values.has(labelsOf(o)[key] ?? '\u0000'));
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(part))) {
      const [, key = '', op, value = ''] = m;
      checkKey(key, text);
      requirements.push(op === '!=' ? (o) => labelsOf(o)[key] !== value : (o) => labelsOf(o)[key] === value);
    } else if ((m = /^!\s*(\S+)$/.exec(part))) {
      const key = m[1] ?? '';
      checkKey(key, text);
      requirements.push((o) => !(key in labelsOf(o)));
    } else if (KEY.test(part)) {
      requirements.push((o) => part in labelsOf(o));
    } else {
      throw new SelectorError(`unable to parse requirement: ${JSON.stringify(part)} in labelSelector ${JSON.stringify(text)}`);
    }
  }
  return (o) => requirements.every((r) => r(o));
}

function checkKey(key: string, text: string): void {
  if (!KEY.test(key)) throw new SelectorError(`invalid label key ${JSON.stringify(key)} in labelSelector ${JSON.stringify(text)}`);
}

function field(o: Record<string, unknown>, section: string, key: string): string {
  const value = (o[section] as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}

/** Field paths each resource supports, as reader functions. */
export const SUPPORTED_FIELDS: Record<string, Record<string, (o: Record<string, unknown>) => string>> = {
  pods: {
    'metadata.name': (o) => field(o, 'metadata', 'name'),
    'metadata.namespace': (o) => field(o, 'metadata', 'namespace'),
    'spec.nodeName': (o) => field(o, 'spec', 'nodeName'),
    'spec.restartPolicy': (o) => field(o, 'spec', 'restartPolicy'),
    'spec.schedulerName': (o) => field(o, 'spec', 'schedulerName'),
    'spec.serviceAccountName': (o) => field(o, 'spec', 'serviceAccountName'),
    'status.phase': (o) => field(o, 'status', 'phase'),
    'status.podIP': (o) => field(o, 'status', 'podIP'),
  },
  nodes: {
    'metadata.name': (o) => field(o, 'metadata', 'name'),
    'spec.unschedulable': () => 'false',
  },
  namespaces: {
    'metadata.name': (o) => field(o, 'metadata', 'name'),
    'status.phase': (o) => field(o, 'status', 'phase'),
  },
};

export function parseFieldSelector(resource: string, text: string): ObjectPredicate {
  const fields = SUPPORTED_FIELDS[resource] ?? {};
  const requirements: ObjectPredicate[] = [];
  for (const part of splitTopLevel(text)) {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid field selector: ${JSON.stringify(part)}`);
    const [, field = '', op, value = ''] = m;
    const read = fields[field];
    if (!read) throw new SelectorError(`field label not supported: ${field}`);
    requirements.push(op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value);
  }
  return (o) => requirements.every((r) => r(o));
}
