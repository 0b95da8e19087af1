/**
 * Turns per-cgroup samples (from the cAdvisor ContainerInfo JSON or the `/metrics/cadvisor` text) into Heapster
 * sets: `/` is the node; pod-level cgroups give the pod its cpu/memory; the sandbox (docker `POD` pause container or
 * containerd `""`) gives the pod only its network and start time, never its cpu/memory (Heapster §9); labeled
 * containers are pod containers; everything else is a system container named after its cgroup.
 *
 * Deduplication happens here, before keying, because a kubelet can list one container under several cgroups
 * (`/system.slice/docker.service/docker/<id>` and `/docker/<id>`, or `/kubepods.slice/…/docker-<id>.scope` and
 * `/kubepods/…/<id>`) in any order. See `compareCandidates` for the rule.
 */
import {
  Metrics,
  nodeKey,
  nodeLabelsOf,
  podContainerKey,
  podContainerLabelsOf,
  podKey,
  podLabelsOf,
  systemContainerKey,
  systemContainerLabelsOf,
  type LabeledMetric,
  type MetricSet,
  type PodLabelValues,
} from '@kubestats/core';
import {
  isSandbox,
  isUnderKubepods,
  parentCgroup,
  podCgroupUid,
  type PodContainerIdentity,
} from './cgroup-identity.js';
import type { DecodeSession, MetricValues } from './decode-session.js';

/** How clearly a cgroup's counters are alive: compared when choosing between duplicates. */
export const Liveness = {
  /** Every counter in the last sample is zero (a leaked or never-started cgroup). */
  dead: 0,
  /** Non-zero, but cpu did not move across the samples given. */
  frozen: 1,
  /** Non-zero and (when there is more than one sample) advancing. */
  live: 2,
} as const;

export interface CgroupSample {
  /** Cgroup name, e.g. `/kubepods/burstable/pod<uid>/<id>`. */
  readonly cgroup: string;
  /** Runtime container id, when the payload has one. */
  readonly containerId: string | undefined;
  readonly identity: PodContainerIdentity | undefined;
  readonly image: string | undefined;
  /** Cgroup creation / container start, epoch ms; 0 when unknown. */
  readonly startMs: number;
  readonly scrapeTimeMs: number;
  /** Standard values of the last sample, uptime excluded (added when the set is built). */
  readonly values: MetricValues;
  readonly labeled: LabeledMetric[];
  readonly liveness: number;
}

const networkMetricNames: readonly string[] = [
  Metrics.networkRx.name,
  Metrics.networkTx.name,
  Metrics.networkRxErrors.name,
  Metrics.networkTxErrors.name,
];

interface PodParts {
  readonly identity: PodContainerIdentity;
  readonly key: string;
  sandboxes: CgroupSample[];
  podCgroup: CgroupSample | undefined;
  readonly containers: Map<string, CgroupSample[]>;
  podUid: string;
}

/**
 * Classifies, deduplicates and builds the sets of one node's cgroups into `session`. Returns, per set key, the
 * cgroup the set was built from (a pod set: its pod-level cgroup, else its sandbox).
 */
export function emitCgroupSets(session: DecodeSession, listed: readonly CgroupSample[]): ReadonlyMap<string, string> {
  const nodeName = session.context.nodeName;
  const samples = oneSamplePerCgroup(session, listed);
  const builtFrom = new Map<string, string>();
  const pods = new Map<string, PodParts>();
  const podCgroups: CgroupSample[] = [];
  const others: CgroupSample[] = [];
  let root: CgroupSample | undefined;

  const podParts = (identity: PodContainerIdentity): PodParts => {
    const key = podKey(identity.namespace, identity.podName);
    let parts = pods.get(key);
    if (parts === undefined) {
      parts = { identity, key, sandboxes: [], podCgroup: undefined, containers: new Map(), podUid: identity.podUid };
      pods.set(key, parts);
    } else if (parts.podUid === '' && identity.podUid !== '') {
      parts.podUid = identity.podUid;
    }
    return parts;
  };

  for (const sample of samples) {
    if (sample.cgroup === '/') {
      root = sample;
    } else if (podCgroupUid(sample.cgroup) !== undefined) {
      podCgroups.push(sample);
    } else if (sample.identity === undefined) {
      others.push(sample);
    } else if (isSandbox(sample.identity)) {
      podParts(sample.identity).sandboxes.push(sample);
    } else {
      const parts = podParts(sample.identity);
      const list = parts.containers.get(sample.identity.containerName);
      if (list === undefined) parts.containers.set(sample.identity.containerName, [sample]);
      else list.push(sample);
    }
  }

  // A pod cgroup belongs to the pod whose uid it names, or whose containers sit directly under it.
  const podByUid = new Map<string, PodParts>();
  const podByParent = new Map<string, PodParts>();
  for (const parts of pods.values()) {
    if (parts.podUid !== '') podByUid.set(parts.podUid, parts);
    for (const sample of parts.sandboxes) podByParent.set(parentCgroup(sample.cgroup), parts);
    for (const list of parts.containers.values()) for (const sample of list) podByParent.set(parentCgroup(sample.cgroup), parts);
  }
  const podCgroupNames = new Set<string>();
  for (const sample of podCgroups) {
    const uid = podCgroupUid(sample.cgroup) ?? '';
    const parts =
      (sample.identity === undefined ? undefined : podParts(sample.identity)) ?? podByUid.get(uid) ?? podByParent.get(sample.cgroup);
    if (parts === undefined || (parts.podCgroup !== undefined && parts.podCgroup.cgroup <= sample.cgroup)) {
      others.push(sample); // unmatched (or a second one for the same pod): keep it visible as a system container
      continue;
    }
    if (parts.podCgroup !== undefined) others.push(parts.podCgroup);
    parts.podCgroup = sample;
    if (parts.podUid === '') parts.podUid = uid;
    podCgroupNames.add(sample.cgroup);
  }

  const finalKeys = new Map<string, string>();
  if (root !== undefined) {
    const values = new Map(root.values);
    const key = nodeKey(nodeName);
    session.addUptime(values, root.startMs, key);
    finalKeys.set(root.cgroup, key);
    builtFrom.set(key, root.cgroup);
    session.metricSets.push({
      key,
      labels: nodeLabelsOf(session.context),
      metricValues: values,
      labeledMetrics: root.labeled,
      collectionStartTimeMs: root.startMs,
      entityCreateTimeMs: root.startMs,
      scrapeTimeMs: root.scrapeTimeMs,
    });
  }

  const podContainerIds = new Map<string, string>();
  for (const parts of pods.values()) {
    const podLabelValues: PodLabelValues = {
      podName: parts.identity.podName,
      namespace: parts.identity.namespace,
      podId: parts.podUid,
    };
    const parentOf = (sample: CgroupSample): number => parentScore(sample, parts, podCgroupNames);

    const sandbox = chooseCandidate(session, parts.key, parts.sandboxes, parentOf);
    for (const sample of parts.sandboxes) finalKeys.set(sample.cgroup, parts.key);
    if (parts.podCgroup !== undefined) finalKeys.set(parts.podCgroup.cgroup, parts.key);
    const podFrom = parts.podCgroup ?? sandbox;
    if (podFrom !== undefined) {
      builtFrom.set(parts.key, podFrom.cgroup);
      session.metricSets.push(buildPodSet(session, parts, podLabelsOf(session.context, podLabelValues), sandbox));
    }
    for (const [containerName, candidates] of parts.containers) {
      const key = podContainerKey(parts.identity.namespace, parts.identity.podName, containerName);
      const chosen = chooseCandidate(session, key, candidates, parentOf);
      if (chosen === undefined) continue;
      for (const candidate of candidates) {
        finalKeys.set(candidate.cgroup, key);
        if (candidate.containerId !== undefined) podContainerIds.set(candidate.containerId, key);
      }
      const labels = podContainerLabelsOf(session.context, podLabelValues, containerName, chosen.image);
      builtFrom.set(key, chosen.cgroup);
      session.metricSets.push(buildSet(session, key, labels, chosen, true));
    }
  }

  const systemContainers = new Map<string, CgroupSample[]>();
  for (const sample of others) {
    // An unlabeled copy of a pod container (e.g. `/system.slice/docker-<id>.scope`) is the same container again.
    const duplicateOf = sample.containerId === undefined ? undefined : podContainerIds.get(sample.containerId);
    if (duplicateOf !== undefined) {
      session.diagnose(
        duplicateOf,
        'dedupe',
        'duplicate-cgroup-resolved',
        `dropped unlabeled cgroup ${sample.cgroup}: same container id ${sample.containerId ?? ''} as the pod container`,
      );
      finalKeys.set(sample.cgroup, duplicateOf);
      continue;
    }
    const key = systemContainerKey(nodeName, systemContainerName(sample.cgroup));
    finalKeys.set(sample.cgroup, key);
    const list = systemContainers.get(key);
    if (list === undefined) systemContainers.set(key, [sample]);
    else list.push(sample);
  }
  for (const [key, candidates] of systemContainers) {
    // `kubelet` and `/kubelet` name one system container; both spellings occur in hand-made and fuzzed bodies.
    const chosen = chooseCandidate(session, key, candidates, noParentScore);
    if (chosen === undefined) continue;
    const name = systemContainerName(chosen.cgroup);
    const labels = systemContainerLabelsOf(session.context, name);
    builtFrom.set(key, chosen.cgroup);
    session.metricSets.push(buildSet(session, key, labels, chosen, true));
  }
  rekeyDiagnostics(session, finalKeys);
  return builtFrom;
}

function systemContainerName(cgroup: string): string {
  return cgroup.startsWith('/') ? cgroup.slice(1) : cgroup;
}

const noParentScore = (): number => 0;

/**
 * The same cgroup listed twice (an `/api/v1.3/subcontainers` array, or a mangled body) is one cgroup: the copies are
 * ranked by the duplicate rule and one is kept, before classification, so the root stays one node and a pod cgroup
 * stays its pod's. The diagnostic names the cgroup until rekeyDiagnostics moves it to the set's key.
 */
function oneSamplePerCgroup(session: DecodeSession, listed: readonly CgroupSample[]): readonly CgroupSample[] {
  const byCgroup = new Map<string, CgroupSample[]>();
  let repeated = false;
  for (const sample of listed) {
    const list = byCgroup.get(sample.cgroup);
    if (list === undefined) byCgroup.set(sample.cgroup, [sample]);
    else {
      list.push(sample);
      repeated = true;
    }
  }
  if (!repeated) return listed;
  const samples: CgroupSample[] = [];
  for (const [cgroup, candidates] of byCgroup) {
    const chosen = chooseCandidate(session, cgroup, candidates, noParentScore);
    if (chosen !== undefined) samples.push(chosen);
  }
  return samples;
}

/** Value diagnostics recorded while reading a cgroup name it; once classified they belong to the set's key. */
function rekeyDiagnostics(session: DecodeSession, finalKeys: ReadonlyMap<string, string>): void {
  const { diagnostics } = session;
  for (let index = 0; index < diagnostics.length; index++) {
    const diagnostic = diagnostics[index];
    const key = diagnostic === undefined ? undefined : finalKeys.get(diagnostic.key);
    if (diagnostic !== undefined && key !== undefined) {
      diagnostics[index] = { ...diagnostic, key, detail: `cgroup ${diagnostic.key}: ${diagnostic.detail}` };
    }
  }
}

function buildSet(
  session: DecodeSession,
  key: string,
  labels: Readonly<Record<string, string>>,
  sample: CgroupSample,
  dropNetwork: boolean,
): MetricSet {
  // Network belongs to the pod's sandbox and the node (Heapster N P); a container's copy is the shared netns.
  const values = new Map(sample.values);
  if (dropNetwork) for (const name of networkMetricNames) values.delete(name);
  session.addUptime(values, sample.startMs, key);
  const set: MetricSet = {
    key,
    labels,
    metricValues: values,
    labeledMetrics: sample.labeled,
    collectionStartTimeMs: sample.startMs,
    entityCreateTimeMs: sample.startMs,
    scrapeTimeMs: sample.scrapeTimeMs,
  };
  return sample.containerId === undefined ? set : { ...set, containerId: sample.containerId };
}

function buildPodSet(
  session: DecodeSession,
  parts: PodParts,
  labels: Readonly<Record<string, string>>,
  sandbox: CgroupSample | undefined,
): MetricSet {
  const values: MetricValues = new Map(parts.podCgroup?.values);
  for (const name of networkMetricNames) {
    values.delete(name);
    const fromSandbox = sandbox?.values.get(name);
    if (fromSandbox !== undefined) values.set(name, fromSandbox);
  }
  const startMs = sandbox?.startMs || parts.podCgroup?.startMs || 0;
  session.addUptime(values, startMs, parts.key);
  const set: MetricSet = {
    key: parts.key,
    labels,
    metricValues: values,
    labeledMetrics: parts.podCgroup?.labeled ?? [],
    collectionStartTimeMs: startMs,
    entityCreateTimeMs: startMs,
    scrapeTimeMs: parts.podCgroup?.scrapeTimeMs || sandbox?.scrapeTimeMs || 0,
  };
  return sandbox?.containerId === undefined ? set : { ...set, containerId: sandbox.containerId };
}

/**
 * 2: directly under this pod's own pod cgroup (present in the payload); 1: in the kubepods hierarchy or naming the
 * pod uid; 0: elsewhere (`/docker/<id>`, `/system.slice/…`).
 */
function parentScore(sample: CgroupSample, parts: PodParts, podCgroupNames: ReadonlySet<string>): number {
  const parent = parentCgroup(sample.cgroup);
  if (parts.podCgroup !== undefined && parts.podCgroup.cgroup === parent && podCgroupNames.has(parent)) return 2;
  if (isUnderKubepods(sample.cgroup)) return 1;
  if (parts.podUid !== '' && (sample.cgroup.includes(parts.podUid) || sample.cgroup.includes(parts.podUid.replaceAll('-', '_')))) return 1;
  return 0;
}

function cpuTotal(sample: CgroupSample): bigint {
  const value = sample.values.get(Metrics.cpuUsage.name);
  return value?.kind === 'int' ? value.value : -1n;
}

/**
 * The duplicate rule, a total order that never depends on payload order: (1) the cgroup under the pod's expected
 * parent, (2) live counters over frozen over all-zero, (3) the newest start time, (4) the highest cumulative cpu,
 * (5) the lexicographically smallest cgroup name. One cgroup listed twice ties on all of these, so then (6) the
 * latest sample, (7) the more values, (8) the smaller printed values. Negative when `a` wins.
 */
export function compareCandidates(a: CgroupSample, b: CgroupSample, parentOf: (sample: CgroupSample) => number): number {
  const parent = parentOf(b) - parentOf(a);
  if (parent !== 0) return parent;
  if (a.liveness !== b.liveness) return b.liveness - a.liveness;
  if (a.startMs !== b.startMs) return b.startMs - a.startMs;
  const cpuA = cpuTotal(a);
  const cpuB = cpuTotal(b);
  if (cpuA !== cpuB) return cpuA > cpuB ? -1 : 1;
  if (a.cgroup !== b.cgroup) return a.cgroup < b.cgroup ? -1 : 1;
  if (a.scrapeTimeMs !== b.scrapeTimeMs) return b.scrapeTimeMs - a.scrapeTimeMs;
  const sizeA = a.values.size + a.labeled.length;
  const sizeB = b.values.size + b.labeled.length;
  if (sizeA !== sizeB) return sizeB - sizeA;
  const printedA = printedValues(a);
  const printedB = printedValues(b);
  return printedA < printedB ? -1 : printedA > printedB ? 1 : 0;
}

/** Only reached for one cgroup listed twice with equal start, cpu and sample time: rare, so not cached. */
function printedValues(sample: CgroupSample): string {
  const values = [...sample.values].map(([name, value]) => `${name}=${String(value.value)}`).sort();
  const labeled = sample.labeled.map((metric) => `${metric.name}${JSON.stringify(metric.labels)}=${String(metric.value.value)}`).sort();
  return [...values, ...labeled].join(',');
}

function chooseCandidate(
  session: DecodeSession,
  key: string,
  candidates: readonly CgroupSample[],
  parentOf: (sample: CgroupSample) => number,
): CgroupSample | undefined {
  if (candidates.length <= 1) return candidates[0];
  const ranked = [...candidates].sort((a, b) => compareCandidates(a, b, parentOf));
  const [kept, ...dropped] = ranked as [CgroupSample, ...CgroupSample[]];
  const describe = (sample: CgroupSample): string =>
    `${sample.cgroup} (started ${sample.startMs > 0 ? new Date(sample.startMs).toISOString() : 'unknown'}, cpu/usage ${cpuTotal(sample) < 0n ? 'absent' : String(cpuTotal(sample))}, ${livenessName(sample.liveness)}${parentOf(sample) > 0 ? ', under kubepods' : ''})`;
  session.diagnose(
    key,
    'dedupe',
    'duplicate-cgroup-resolved',
    `kept ${describe(kept)}; dropped ${dropped.map(describe).join('; ')}; rule: pod parent cgroup, live counters, newest start, highest cpu, smallest name`,
  );
  return kept;
}

function livenessName(liveness: number): string {
  return liveness === Liveness.live ? 'live' : liveness === Liveness.frozen ? 'frozen' : 'all zero';
}
