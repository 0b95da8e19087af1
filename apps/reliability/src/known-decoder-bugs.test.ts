/**
 * Minimal reproducers of the decoder bugs the fuzzer found in @kubestats/source-kubelet (reported to its owner).
 * Each asserts the bug still happens: when a fix lands the test fails, and the entry leaves `knownDecoderFailures`
 * so the property tests and the fuzz runner treat it as a regression from then on.
 */
import { describe, expect, it } from 'vitest';
import { checkDecode, knownDecoderFailures } from './fuzz/decode-check.js';

const cases = [
  {
    failure: 'resource-metrics: threw RangeError: The number Infinity cannot be converted to a BigInt because it is not an integer',
    decoder: 'resource-metrics',
    body: 'container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 1e308 1633000000000\n',
  },
  {
    failure: 'container-stats: duplicate key',
    decoder: 'container-stats',
    body: JSON.stringify([
      { name: '/kubelet', spec: { creation_time: '2016-06-01T00:00:00Z', has_cpu: true }, stats: [{ timestamp: '2016-06-01T00:01:00Z', cpu: { usage: { total: 1 } } }] },
      { name: '/kubelet', spec: { creation_time: '2016-06-01T00:00:00Z', has_cpu: true }, stats: [{ timestamp: '2016-06-01T00:01:00Z', cpu: { usage: { total: 2 } } }] },
    ]),
  },
] as const;

describe('known decoder bugs (remove each from knownDecoderFailures once this fails)', () => {
  for (const { failure, decoder, body } of cases) {
    it(`still reproduces: ${failure}`, () => {
      expect(knownDecoderFailures.has(failure)).toBe(true);
      expect(checkDecode(decoder, body)).toEqual({ kind: 'failure', failure });
    });
  }
});
