import { describe, expect, it } from 'vitest';
import { explainPod, renderExplainReport } from '../api/explain.js';
import { sampleApiContext, sampleDiagnostics, sampleMetadata, sampleResolutionMs, sampleStore } from '../test-support/sample-api-context.js';
import { renderDemoFrame } from './demo-view.js';

describe('renderDemoFrame', () => {
  const frame = renderDemoFrame({
    batch: sampleStore().latestBatch(),
    metadata: sampleMetadata,
    diagnostics: sampleDiagnostics(),
    resolutionMs: sampleResolutionMs,
    apiUrl: 'http://127.0.0.1:8082',
    logFile: '/tmp/demo.log',
    cyclesCompleted: 2,
  });

  it('shows nodes with usage and share of allocatable, and marks the one with a problem', () => {
    expect(frame).toMatch(/^ {2}n1\s+3000m\s+75%\s+2048Mi\s+25%$/m);
    expect(frame).toMatch(/^\* n3\s+<unknown>\s+-\s+<unknown>\s+-$/m);
  });

  it('lists the busiest pods first and marks a pod missing a container', () => {
    const podLines = frame.split('\n').filter((line) => /\s(web|dns)-\d\s/.test(line));
    expect(podLines.map((line) => line.split(/\s+/).find((cell) => /-\d$/.test(cell)))).toEqual(['web-2', 'web-1', 'dns-1']);
    expect(podLines[0]).toMatch(/^\* default\s+web-2\s+n1\s+600m/);
    // web-1's only diagnostic is a routine first sample: no marker.
    expect(podLines[1]).toMatch(/^ {2}default\s+web-1/);
    expect(frame).toContain('1 running pod(s) without metrics yet, e.g. kubestats explain pod default/db-1');
  });

  it('says it is waiting before the first cycle', () => {
    const waiting = renderDemoFrame({ batch: undefined, metadata: undefined, diagnostics: sampleDiagnostics(), resolutionMs: 5000, apiUrl: undefined, logFile: undefined, cyclesCompleted: 0 });
    expect(waiting).toContain('waiting for the first cycle');
    expect(waiting).toContain('resolution 5s');
  });
});

describe('renderExplainReport', () => {
  it('renders a pod on a dead node in plain language', () => {
    const text = renderExplainReport(explainPod(sampleApiContext(), 'default', 'db-1'));
    expect(text.split('\n').slice(0, 2)).toEqual([
      'pod default/db-1 on node n3',
      '  NO METRICS: No usable metrics for default/db-1: scrape-refused (kubelet 127.0.0.1:10250: GET /stats/summary: connection refused).',
    ]);
    expect(text).toContain('scrape  scrape-refused  node:n3');
    expect(text).toContain('(The kubelet refused the connection.)');
  });

  it('renders a served pod with its containers', () => {
    const text = renderExplainReport(explainPod(sampleApiContext(), 'default', 'web-1'));
    expect(text).toContain('OK: Metrics are served for default/web-1.');
    expect(text).toContain('  web: cpu 200m, working set 104857600 bytes');
  });
});
