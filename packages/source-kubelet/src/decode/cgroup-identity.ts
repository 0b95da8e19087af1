/**
 * What a cgroup name and docker metadata say about the container behind it: the pod cgroup's uid
 * (`/kubepods/burstable/pod<uid>`, `/kubepods.slice/…/kubepods-burstable-pod<uid_>.slice`), the runtime id in the
 * last path segment (`<id>`, `docker-<id>.scope`, `cri-containerd-<id>.scope`, `crio-<id>.scope`), and the pod
 * identity encoded in a dockershim container name (`k8s_<container>[.<hash>]_<pod>_<namespace>_<uid>_<attempt>`),
 * which k8s 1.1 kubelets give in place of labels.
 */

export interface PodContainerIdentity {
  readonly namespace: string;
  readonly podName: string;
  /** Empty when the payload does not say. */
  readonly podUid: string;
  /** `POD` (docker pause) or `` (containerd sandbox) for the pod's sandbox. */
  readonly containerName: string;
}

const cgroupfsPodSegment = /^pod([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/;
const systemdPodSegment = /^kubepods(?:-[a-z]+)?-pod([0-9a-f_]+)\.slice$/;
const runtimeIdSegment = /^(?:docker-|cri-containerd-|crio-|containerd-)?([0-9a-f]{64})(?:\.scope)?$/;
const dockerName = /^\/?k8s_([^._]+)(?:\.[0-9a-f]+)?_([^_]+)_([^_]+)_([0-9a-f-]{32,36})_[^_]+$/;

function lastSegment(cgroup: string): string {
  return cgroup.slice(cgroup.lastIndexOf('/') + 1);
}

/** The pod uid when `cgroup` is a pod-level cgroup, with systemd's underscores turned back into dashes. */
export function podCgroupUid(cgroup: string): string | undefined {
  const segment = lastSegment(cgroup);
  const cgroupfs = cgroupfsPodSegment.exec(segment);
  if (cgroupfs?.[1] !== undefined) return cgroupfs[1];
  const systemd = systemdPodSegment.exec(segment);
  return systemd?.[1]?.replaceAll('_', '-');
}

/** The 64-hex runtime id in the cgroup's last segment, if it has one. */
export function runtimeIdOfCgroup(cgroup: string): string | undefined {
  return runtimeIdSegment.exec(lastSegment(cgroup))?.[1];
}

/** The parent cgroup (`/a/b/c` → `/a/b`, `/a` → `/`). */
export function parentCgroup(cgroup: string): string {
  const index = cgroup.lastIndexOf('/');
  return index <= 0 ? '/' : cgroup.slice(0, index);
}

/** Whether the cgroup sits in the kubelet's pod hierarchy (cgroupfs `kubepods`, systemd `kubepods.slice`). */
export function isUnderKubepods(cgroup: string): boolean {
  return cgroup.includes('/kubepods');
}

const k8sLabels = {
  namespace: 'io.kubernetes.pod.namespace',
  podName: 'io.kubernetes.pod.name',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
} as const;

/**
 * The pod identity from docker labels, falling back to the dockershim container name in `aliases` for what the
 * labels lack (k8s 1.1 has only `io.kubernetes.pod.name: "<namespace>/<name>"`). Undefined for non-pod cgroups.
 */
export function identityFromDocker(
  labels: Readonly<Record<string, unknown>> | undefined,
  aliases: readonly unknown[],
): PodContainerIdentity | undefined {
  let namespace = stringLabel(labels, k8sLabels.namespace);
  let podName = stringLabel(labels, k8sLabels.podName);
  let podUid = stringLabel(labels, k8sLabels.podUid);
  let containerName = stringLabel(labels, k8sLabels.containerName);
  if (podName !== undefined && namespace === undefined) {
    const slash = podName.indexOf('/');
    if (slash > 0) {
      namespace = podName.slice(0, slash);
      podName = podName.slice(slash + 1);
    }
  }
  if (namespace === undefined || podName === undefined || containerName === undefined || podUid === undefined) {
    for (const alias of aliases) {
      const match = typeof alias === 'string' ? dockerName.exec(alias) : null;
      if (match === null) continue;
      containerName ??= match[1];
      podName ??= match[2];
      namespace ??= match[3];
      podUid ??= match[4];
      break;
    }
  }
  if (namespace === undefined || podName === undefined || containerName === undefined) return undefined;
  return { namespace, podName, podUid: podUid ?? '', containerName };
}

function stringLabel(labels: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = labels?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The docker pause container (`POD`) or a containerd sandbox (`""`). */
export function isSandbox(identity: PodContainerIdentity): boolean {
  return identity.containerName === 'POD' || identity.containerName === '';
}
