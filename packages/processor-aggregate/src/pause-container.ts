/**
 * The pod sandbox ("pause") container: `POD` with docker, an empty name with containerd. Its cgroup holds almost
 * nothing, so it is never counted as the pod (Heapster's legacy source did, §9) nor summed into it.
 */
const pauseContainerNames: ReadonlySet<string> = new Set(['POD', '']);

export function isPauseContainer(containerName: string): boolean {
  return pauseContainerNames.has(containerName);
}
