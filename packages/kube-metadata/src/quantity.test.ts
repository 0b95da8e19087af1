import { describe, expect, it } from 'vitest';
import { parseCpuMillicores, parseQuantity, resourceListFromQuantities } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['2', 2],
    ['1.5', 1.5],
    ['100m', 0.1],
    ['500n', 5e-7],
    ['250u', 2.5e-4],
    ['128Mi', 134_217_728],
    ['8024304Ki', 8_216_887_296],
    ['954976684Ki', 977_896_124_416],
    ['1G', 1e9],
    ['1k', 1000],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1.5e-3', 0.0015],
    ['1E', 1e18],
    ['1Ei', 2 ** 60],
    ['0', 0],
    ['.5', 0.5],
    ['-1', -1],
    [' 64Mi ', 67_108_864],
  ])('%s → %d', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  it.each(['', 'abc', '1KiB', '1mi', '1.2.3', 'Mi', '1 Gi', '1e', '--1'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('parseCpuMillicores', () => {
  it.each([
    ['2', 2000],
    ['14', 14_000],
    ['100m', 100],
    ['1.5', 1500],
    ['0.1', 100],
    ['500n', 1], // rounded up, as apimachinery's MilliValue
    ['1500000n', 2],
    ['1e-3', 1],
    ['2e2', 200_000],
  ])('%s → %d millicores', (text, expected) => {
    expect(parseCpuMillicores(text)).toBe(expected);
  });
});

describe('resourceListFromQuantities', () => {
  it('converts cpu to millicores and the rest to base units, reporting what it cannot parse', () => {
    const invalid: string[] = [];
    const list = resourceListFromQuantities(
      { cpu: '14', memory: '8024304Ki', 'ephemeral-storage': '954976684Ki', pods: '110', 'hugepages-2Mi': '0', bad: 'x' },
      (resource, text) => invalid.push(`${resource}=${text}`),
    );
    expect(list).toEqual({ cpu: 14_000, memory: 8_216_887_296, 'ephemeral-storage': 977_896_124_416, pods: 110, 'hugepages-2Mi': 0 });
    expect(invalid).toEqual(['bad=x']);
  });

  it('returns an empty list for undefined', () => {
    expect(resourceListFromQuantities(undefined)).toEqual({});
  });
});
