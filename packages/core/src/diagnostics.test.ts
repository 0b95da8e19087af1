import { describe, expect, it } from 'vitest';
import { DiagnosticsLog, isDiagnosticReason, type Diagnostic } from './diagnostics.js';

function diagnostic(key: string, reason: Diagnostic['reason'], atMs: number, detail = 'x'): Diagnostic {
  return { key, stage: 'rate', reason, detail, atMs };
}

describe('DiagnosticsLog', () => {
  it('keeps the latest diagnostic per key and reason, oldest first', () => {
    const log = new DiagnosticsLog();
    log.record(diagnostic('namespace:a/pod:p/container:c', 'first-sample', 1, 'old'));
    log.record(diagnostic('namespace:a/pod:p/container:c', 'counter-reset', 2));
    log.record(diagnostic('namespace:a/pod:p/container:c', 'first-sample', 3, 'new'));
    expect(log.forKey('namespace:a/pod:p/container:c').map((d) => [d.reason, d.detail])).toEqual([
      ['counter-reset', 'x'],
      ['first-sample', 'new'],
    ]);
    expect(log.counts().get('first-sample')).toBe(2);
  });

  it('finds a pod and its containers by prefix but not a pod with a longer name', () => {
    const log = new DiagnosticsLog();
    log.record(diagnostic('namespace:a/pod:p', 'partial-pod', 2));
    log.record(diagnostic('namespace:a/pod:p/container:c', 'first-sample', 1));
    log.record(diagnostic('namespace:a/pod:p2', 'missing-metadata', 1));
    expect(log.forKeyPrefix('namespace:a/pod:p').map((d) => d.key)).toEqual([
      'namespace:a/pod:p/container:c',
      'namespace:a/pod:p',
    ]);
  });

  it('stays bounded by forgetting the least recently updated key', () => {
    const log = new DiagnosticsLog({ maxKeys: 2 });
    log.record(diagnostic('a', 'first-sample', 1));
    log.record(diagnostic('b', 'first-sample', 2));
    log.record(diagnostic('a', 'counter-reset', 3));
    log.record(diagnostic('c', 'first-sample', 4));
    expect(log.keyCount).toBe(2);
    expect(log.forKey('b')).toEqual([]);
    expect(log.forKey('a')).toHaveLength(2);
  });

  it('when full, forgets the least recently updated tenth of its keys at once', () => {
    const log = new DiagnosticsLog({ maxKeys: 20 });
    for (let index = 0; index < 20; index++) log.record(diagnostic(`k${index}`, 'first-sample', index));
    log.record(diagnostic('k0', 'counter-reset', 20)); // k0 is now the most recently updated
    log.record(diagnostic('new', 'first-sample', 21));
    expect(log.keyCount).toBe(19);
    expect(log.forKey('k1')).toEqual([]);
    expect(log.forKey('k2')).toEqual([]);
    expect(log.forKey('k3')).toHaveLength(1);
    expect(log.forKey('k0')).toHaveLength(2);
    expect(log.forKey('new')).toHaveLength(1);
    expect(log.forgottenKeyCount).toBe(2);
  });

  it('counts keys forgotten because it was full, not keys that expired', () => {
    const log = new DiagnosticsLog({ maxKeys: 2 });
    expect(log.maxKeys).toBe(2);
    log.record(diagnostic('a', 'first-sample', 1));
    log.record(diagnostic('b', 'first-sample', 2));
    log.expireBefore(2);
    expect(log.forgottenKeyCount).toBe(0);
    log.record(diagnostic('c', 'first-sample', 3));
    log.record(diagnostic('d', 'first-sample', 4));
    expect(log.forgottenKeyCount).toBe(1);
  });

  it('expires diagnostics older than a cutoff', () => {
    const log = new DiagnosticsLog();
    log.record(diagnostic('a', 'first-sample', 1));
    log.record(diagnostic('a', 'counter-reset', 10));
    log.expireBefore(5);
    expect(log.forKey('a').map((d) => d.reason)).toEqual(['counter-reset']);
  });

  it('knows its closed vocabulary', () => {
    expect(isDiagnosticReason('duplicate-cgroup-resolved')).toBe(true);
    expect(isDiagnosticReason('toString')).toBe(false);
  });
});
