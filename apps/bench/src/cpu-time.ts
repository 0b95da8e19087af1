/**
 * CPU time of this process (user + system, every thread: GC and libuv included) and wall time, in milliseconds.
 * The benchmark charges a stage with the CPU the whole process spent while that stage ran, which is exact here
 * because stages run one after another and nothing else runs in the bench process during a cycle.
 */
import { performance } from 'node:perf_hooks';

export interface Sample {
  readonly cpuMs: number;
  readonly wallMs: number;
}

export function sampleNow(): Sample {
  const usage = process.cpuUsage();
  return { cpuMs: (usage.user + usage.system) / 1000, wallMs: performance.now() };
}

export function elapsedSince(start: Sample): Sample {
  const end = sampleNow();
  return { cpuMs: end.cpuMs - start.cpuMs, wallMs: end.wallMs - start.wallMs };
}
