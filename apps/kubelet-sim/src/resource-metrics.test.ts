import { describe, expect, it } from 'vitest';
import { formatGoFloat } from './resource-metrics.js';

describe('formatGoFloat', () => {
  it('spells numbers like Go strconv.FormatFloat(v, \'g\', -1, 64), as in the kubelet fixture', () => {
    expect(formatGoFloat(1616273408)).toBe('1.616273408e+09');
    expect(formatGoFloat(4.710169)).toBe('4.710169');
    expect(formatGoFloat(12627968)).toBe('1.2627968e+07');
    expect(formatGoFloat(123456)).toBe('123456');
    expect(formatGoFloat(1e6)).toBe('1e+06');
    expect(formatGoFloat(0.00001)).toBe('1e-05');
    expect(formatGoFloat(0.0001)).toBe('0.0001');
    expect(formatGoFloat(0)).toBe('0');
    expect(formatGoFloat(1.7e21)).toBe('1.7e+21');
  });
});
