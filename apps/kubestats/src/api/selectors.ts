/**
 * Kubernetes label and field selectors for the metrics API (`labelSelector=app=web,tier!=db,env in (a,b),!legacy`,
 * `fieldSelector=metadata.name=x`). Parsing is strict and bounded: a malformed selector is a 400 naming the bad
 * term, never a crash.
 */

export type Requirement =
  | { readonly key: string; readonly op: 'exists' | 'not-exists' }
  | { readonly key: string; readonly op: 'in' | 'not-in'; readonly values: readonly string[] };

export type Selector = readonly Requirement[];

export type SelectorParseResult = { readonly ok: true; readonly selector: Selector } | { readonly ok: false; readonly message: string };

const maxSelectorLength = 4096;
const keyPattern = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]{0,61}[a-z0-9A-Z])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] | undefined {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    if (depth < 0 || depth > 1) return undefined;
    if (char === ',' && depth === 0) {
      terms.push(text.slice(start, index));
      start = index + 1;
    }
  }
  if (depth !== 0) return undefined;
  terms.push(text.slice(start));
  return terms.map((term) => term.trim());
}

function checkKey(key: string, term: string): string | undefined {
  return keyPattern.test(key) ? undefined : `invalid label key ${JSON.stringify(key)} in ${JSON.stringify(term)}`;
}

function checkValue(value: string, term: string): string | undefined {
  return valuePattern.test(value) ? undefined : `invalid label value ${JSON.stringify(value)} in ${JSON.stringify(term)}`;
}

function parseTerm(term: string): Requirement | string {
  if (term === '') return 'empty term';
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch;
    const values = list.split(',').map((value) => value.trim());
    const problem = checkKey(key, term) ?? values.map((value) => checkValue(value, term)).find(Boolean);
    return problem ?? { key, op: op === 'in' ? 'in' : 'not-in', values };
  }
  const equalityMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (equalityMatch) {
    const [, key = '', op, value = ''] = equalityMatch;
    const problem = checkKey(key, term) ?? checkValue(value, term);
    return problem ?? { key, op: op === '!=' ? 'not-in' : 'in', values: [value] };
  }
  if (term.startsWith('!')) {
    const key = term.slice(1).trim();
    return checkKey(key, term) ?? { key, op: 'not-exists' };
  }
  return checkKey(term, term) ?? { key: term, op: 'exists' };
}

export function parseLabelSelector(text: string | undefined): SelectorParseResult {
  if (text === undefined || text.trim() === '') return { ok: true, selector: [] };
  if (text.length > maxSelectorLength) return { ok: false, message: `selector longer than ${maxSelectorLength} characters` };
  const terms = splitTerms(text);
  if (!terms) return { ok: false, message: `unbalanced parentheses in ${JSON.stringify(text)}` };
  const selector: Requirement[] = [];
  for (const term of terms) {
    const parsed = parseTerm(term);
    if (typeof parsed === 'string') return { ok: false, message: `unable to parse requirement: ${parsed}` };
    selector.push(parsed);
  }
  return { ok: true, selector };
}

export function matchesSelector(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  return selector.every((requirement) => {
    const value = Object.hasOwn(labels, requirement.key) ? labels[requirement.key] : undefined;
    switch (requirement.op) {
      case 'exists':
        return value !== undefined;
      case 'not-exists':
        return value === undefined;
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'not-in':
        return value === undefined || !requirement.values.includes(value);
    }
  });
}

const supportedFields = new Set(['metadata.name', 'metadata.namespace']);

/** Field selectors support `metadata.name` and `metadata.namespace` with `=`, `==` and `!=`, as metrics-server does. */
export function parseFieldSelector(text: string | undefined): SelectorParseResult {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) return parsed;
  for (const requirement of parsed.selector) {
    if (!supportedFields.has(requirement.key) || (requirement.op !== 'in' && requirement.op !== 'not-in') || requirement.values.length !== 1) {
      return { ok: false, message: `field selector supports metadata.name and metadata.namespace with =, == or != (got ${JSON.stringify(requirement.key)})` };
    }
  }
  return parsed;
}
