import { describe, expect, it } from 'vitest';
import { metricCatalogue, metricDescriptor, Metrics, rateDefinitions } from './metric-catalogue.js';

describe('metric catalogue', () => {
  it('defines each Heapster metric name once', () => {
    const names = metricCatalogue.map((descriptor) => descriptor.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(52) // the rows of HEAPSTER-REFERENCE.md §2, `<resource>/request` and `custom/*` aside;
  });

  it('derives every rate from a cumulative input and names it <input>_rate', () => {
    for (const { input, output } of rateDefinitions) {
      expect(input.type).toBe('cumulative');
      expect(output.name).toBe(`${input.name}_rate`);
      expect(output.type).toBe('gauge');
    }
    expect(Metrics.cpuUsageRate.valueKind).toBe('int');
    expect(Metrics.networkRxRate.valueKind).toBe('float');
  });

  it('looks descriptors up by wire name', () => {
    expect(metricDescriptor('memory/working_set')).toBe(Metrics.memoryWorkingSet);
    expect(metricDescriptor('filesystem/usage')?.labeled).toBe(true);
    expect(metricDescriptor('nope')).toBeUndefined();
  });
});
