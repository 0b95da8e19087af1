import { Metrics, intValue } from '@kubestats/core';
import { describe, expect, it } from 'vitest';
import { sharedIntValue } from './decode-session.js';

describe('sharedIntValue', () => {
  it('returns one frozen object per small value and type', () => {
    const zero = sharedIntValue(Metrics.networkRxErrors, 0n);
    expect(zero).toEqual(intValue(0n, Metrics.networkRxErrors.type));
    expect(Object.isFrozen(zero)).toBe(true);
    expect(sharedIntValue(Metrics.memoryMajorPageFaults, 0n)).toBe(zero);
    expect(sharedIntValue(Metrics.memoryUsage, 0n)).toEqual(intValue(0n, 'gauge'));
    expect(sharedIntValue(Metrics.memoryUsage, 255n)).toBe(sharedIntValue(Metrics.memoryUsage, 255n));
  });

  it('shares an equal value built just before for the same descriptor, and only an equal one', () => {
    const capacity = sharedIntValue(Metrics.filesystemLimit, 107_374_182_400n);
    expect(sharedIntValue(Metrics.filesystemLimit, 107_374_182_400n)).toBe(capacity);
    const other = sharedIntValue(Metrics.filesystemLimit, 53_687_091_200n);
    expect(other).not.toBe(capacity);
    expect(other).toEqual(intValue(53_687_091_200n, Metrics.filesystemLimit.type));
    expect(sharedIntValue(Metrics.filesystemUsage, 53_687_091_200n)).not.toBe(other);
    expect(Object.isFrozen(other)).toBe(true);
  });
});
