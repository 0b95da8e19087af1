import { describe, expect, it } from 'vitest';
import { fitKubeletTimeout } from './compose.js';

function recordingLogger() {
  const warnings: unknown[] = [];
  return { warnings, logger: { warn: (fields: unknown) => void warnings.push(fields) } as never };
}

describe('fitKubeletTimeout', () => {
  it('cuts the default kubelet timeout below the scrape deadline (resolution 5 s: deadline 2.5 s)', () => {
    const { logger, warnings } = recordingLogger();
    expect(fitKubeletTimeout({ timeoutMs: 10_000, kubeletPort: 10250 }, false, 5_000, logger)).toEqual({ timeoutMs: 2_000, kubeletPort: 10250 });
    expect(warnings).toEqual([]);
  });

  it('keeps a default that already fits (resolution 60 s: deadline 20 s)', () => {
    const { logger } = recordingLogger();
    expect(fitKubeletTimeout({ timeoutMs: 10_000 }, false, 60_000, logger)).toEqual({ timeoutMs: 10_000 });
  });

  it('keeps an explicit timeout that is too long, with a warning', () => {
    const { logger, warnings } = recordingLogger();
    expect(fitKubeletTimeout({ timeoutMs: 10_000 }, true, 5_000, logger)).toEqual({ timeoutMs: 10_000 });
    expect(warnings).toEqual([{ timeoutMs: 10_000, scrapeTimeoutMs: 2_500 }]);
  });
});
