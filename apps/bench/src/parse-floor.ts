/**
 * The floor: what the bare parse of the exact bytes a cycle scrapes costs in this process. Every kubelet's body is
 * fetched once (outside any measurement), then parsed `repeats` times; the median pass is the floor. For JSON
 * endpoints the parse is `JSON.parse` of the already-decoded text (strictest: UTF-8 decoding is reported apart);
 * for `/metrics/resource` it is the Prometheus text parser the source itself uses. The floor ratio (full cycle CPU
 * ÷ floor CPU) is the distance from a pipeline that does nothing but parse.
 */
import { createRequire } from 'node:module';
import type { SimKubeletEndpoint } from 'kubelet-sim';
import { elapsedSince, sampleNow } from './cpu-time.js';
import type { BenchEndpoint } from './kubestats-under-test.js';
import { kubeletEndpointOf } from './kubestats-under-test.js';
import { median } from './statistics.js';

const require = createRequire(import.meta.url);
// CommonJS without types; the result's shape is irrelevant here, only the work of producing it.
const parsePrometheusText = require('parse-prometheus-text-format') as (text: string) => unknown;

export interface ParseFloor {
  /** What was parsed: `JSON.parse` or `parse-prometheus-text-format`. */
  readonly parser: string;
  readonly bodies: number;
  readonly bytes: number;
  /** Median CPU ms of one parse pass over every body. */
  readonly parseCpuMs: number;
  /** Median CPU ms of UTF-8 decoding every body (not part of the floor). */
  readonly utf8DecodeCpuMs: number;
  readonly repeats: number;
}

export async function fetchBodies(
  kubelets: readonly SimKubeletEndpoint[],
  endpoint: BenchEndpoint,
  concurrency: number,
): Promise<Buffer[]> {
  const request = kubeletEndpointOf[endpoint];
  const bodies: Buffer[] = new Array<Buffer>(kubelets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < kubelets.length; index = next++) {
      const kubelet = kubelets[index];
      if (!kubelet) continue;
      const url = `http://${kubelet.host}:${kubelet.port}${request.path}`;
      const response = await fetch(url, {
        method: request.method,
        ...(request.body === undefined ? {} : { body: request.body, headers: { 'content-type': 'application/json' } }),
      });
      if (!response.ok) throw new Error(`floor: ${request.method} ${url}: HTTP ${response.status}`);
      bodies[index] = Buffer.from(await response.arrayBuffer());
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, kubelets.length)) }, worker));
  return bodies;
}

export function measureParseFloor(bodies: readonly Buffer[], endpoint: BenchEndpoint, repeats: number): ParseFloor {
  const texts = bodies.map((body) => body.toString('utf8'));
  const parse = endpoint === 'resource' ? parsePrometheusText : (text: string): unknown => JSON.parse(text);
  const parseSamples: number[] = [];
  const decodeSamples: number[] = [];
  let sink = 0;
  for (let pass = 0; pass < repeats; pass += 1) {
    const decodeStart = sampleNow();
    for (const body of bodies) sink += body.toString('utf8').length;
    decodeSamples.push(elapsedSince(decodeStart).cpuMs);
    const parseStart = sampleNow();
    for (const text of texts) if (parse(text) !== undefined) sink += 1;
    parseSamples.push(elapsedSince(parseStart).cpuMs);
  }
  // `sink` keeps the results observable so no pass is optimised away.
  if (sink < 0) throw new Error('unreachable');
  return {
    parser: endpoint === 'resource' ? 'parse-prometheus-text-format' : 'JSON.parse',
    bodies: bodies.length,
    bytes: bodies.reduce((total, body) => total + body.length, 0),
    parseCpuMs: median(parseSamples),
    utf8DecodeCpuMs: median(decodeSamples),
    repeats,
  };
}
