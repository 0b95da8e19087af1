/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and ranks where the samples landed: self time per function
 * (file:line + name) and per file, so docs/benchmarks.md can name the hot spots. Pure: takes the parsed JSON.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface HotSpot {
  /** `functionName (path:line)`, the path shortened to the part after the repository root or node_modules. */
  readonly where: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly HotSpot[];
  readonly files: readonly HotSpot[];
}

function shortPath(url: string): string {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const workspace = /\/(packages|apps)\/.+$/.exec(path);
  return workspace ? workspace[0].slice(1) : path;
}

export function summariseCpuProfile(profile: CpuProfile, top: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[index] ?? 0)));
  let totalUs = 0;
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortPath(url);
    const where = `${functionName === '' ? '(anonymous)' : functionName} (${file}${url === '' ? '' : `:${lineNumber + 1}`})`;
    functions.set(where, (functions.get(where) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const rank = (entries: Map<string, number>): HotSpot[] =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, us]) => ({ where, selfMs: us / 1000, share: totalUs === 0 ? 0 : us / totalUs }));
  return { totalMs: totalUs / 1000, functions: rank(functions), files: rank(files) };
}

export function renderProfileSummary(summary: ProfileSummary): string {
  const row = (spot: HotSpot): string => `${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.selfMs.toFixed(0).padStart(7)} ms  ${spot.where}`;
  return [
    `profile: ${summary.totalMs.toFixed(0)} ms sampled`,
    'self time by function:',
    ...summary.functions.map(row),
    'self time by file:',
    ...summary.files.map(row),
    '',
  ].join('\n');
}
