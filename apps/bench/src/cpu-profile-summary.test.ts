import { describe, expect, it } from 'vitest';
import { summariseCpuProfile } from './cpu-profile-summary.js';

describe('summariseCpuProfile', () => {
  it('ranks self time per function and per file, with shortened paths', () => {
    const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber });
    const summary = summariseCpuProfile(
      {
        nodes: [
          { id: 1, callFrame: frame('(root)', '', -1), children: [2, 3] },
          { id: 2, callFrame: frame('decode', 'file:///work/main/packages/source-kubelet/dist/decode/summary-decoder.js', 9) },
          { id: 3, callFrame: frame('', 'file:///work/main/node_modules/undici/lib/core.js', 0) },
        ],
        samples: [2, 2, 3, 2],
        timeDeltas: [1000, 1000, 2000, 1000],
      },
      5,
    );
    expect(summary.totalMs).toBe(5);
    expect(summary.functions).toEqual([
      { where: 'decode (packages/source-kubelet/dist/decode/summary-decoder.js:10)', selfMs: 3, share: 0.6 },
      { where: '(anonymous) (undici/lib/core.js:1)', selfMs: 2, share: 0.4 },
    ]);
    expect(summary.files.map((file) => file.where)).toEqual(['packages/source-kubelet/dist/decode/summary-decoder.js', 'undici/lib/core.js']);
  });
});
