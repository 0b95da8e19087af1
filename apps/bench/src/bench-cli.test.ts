import { describe, expect, it } from 'vitest';
import { parseBenchArgs, type BenchIo } from './bench-cli.js';

function captureIo(): BenchIo & { stderr: string } {
  const io = {
    stderr: '',
    out() {},
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

describe('bench --counters', () => {
  it('defaults to realistic and passes small through to the pipeline bench', () => {
    const byDefault = parseBenchArgs(['--', '--nodes', '3'], captureIo());
    expect(byDefault.kind === 'pipeline' && byDefault.options.counters).toBe('realistic');
    const small = parseBenchArgs(['--counters', 'small'], captureIo());
    expect(small.kind === 'pipeline' && small.options.counters).toBe('small');
  });

  it('rejects another value with a usage error', () => {
    const io = captureIo();
    expect(parseBenchArgs(['--counters', 'huge'], io)).toEqual({ kind: 'exit', code: 2 });
    expect(io.stderr).toMatch(/Allowed choices are small, realistic/);
  });
});
