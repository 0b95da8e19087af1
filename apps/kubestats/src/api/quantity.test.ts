import { describe, expect, it } from 'vitest';
import { formatCpuQuantity, formatMemoryQuantity, parseCpuQuantity, parseMemoryQuantity } from './quantity.js';
import { quantityPattern } from '../test-support/metrics-api-shapes.js';

describe('quantities', () => {
  it.each([
    [250, '250m'],
    [2000, '2'],
    [0, '0'],
    [0.4, '0'],
    [1499.6, '1500m'],
    [-5, '0'],
  ])('formats %d millicores as %s', (millicores, text) => {
    expect(formatCpuQuantity(millicores)).toBe(text);
    expect(text).toMatch(quantityPattern);
  });

  it.each([
    [1024n, '1Ki'],
    [180_000_000n, '180000000'],
    [2n ** 30n, '1Gi'],
    [1536n, '1536'],
    [0n, '0'],
    [524_288 * 1024, '512Mi'],
  ])('formats %d bytes as %s in BinarySI', (bytes, text) => {
    expect(formatMemoryQuantity(bytes)).toBe(text);
    expect(text).toMatch(quantityPattern);
  });

  it('keeps bigint memory exact above 2^53', () => {
    expect(formatMemoryQuantity(2n ** 60n + 1n)).toBe('1152921504606846977');
  });

  it('parses what it formats and what metrics-server serves', () => {
    expect(parseCpuQuantity('704595n')).toBeCloseTo(0.704595);
    expect(parseCpuQuantity('250m')).toBe(250);
    expect(parseCpuQuantity('1.5')).toBe(1500);
    expect(parseCpuQuantity('fast')).toBeUndefined();
    expect(parseMemoryQuantity('24716Ki')).toBe(24716 * 1024);
    expect(parseMemoryQuantity('128M')).toBe(128e6);
    expect(parseMemoryQuantity('12 Mi')).toBeUndefined();
  });
});
