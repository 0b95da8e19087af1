import { describe, expect, it } from 'vitest';
import { parseCli, runCli, USAGE_EXIT_CODE, type CliIo } from './cli.js';

function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

describe('kubelet-sim CLI', () => {
  it('parses every flag into cluster options', () => {
    const io = captureIo();
    const parsed = parseCli(
      ['--nodes', '5', '--pods-per-node', '7', '--containers-per-pod', '3', '--seed', '42', '--namespaces', '2', '--quirks', 'duplicate-cgroup,slow:node-3', '--quirks', 'dead:0.1', '--port', '0', '--kubelet-base-port', '0', '--churn-interval', '5000', '--json'],
      io,
    );
    expect(parsed).toEqual({
      kind: 'run',
      json: true,
      options: {
        nodes: 5,
        podsPerNode: 7,
        containersPerPod: 3,
        seed: 42,
        namespaces: 2,
        quirks: [{ kind: 'duplicate-cgroup' }, { kind: 'slow', node: 'node-3' }, { kind: 'dead', fraction: 0.1 }],
        host: '127.0.0.1',
        apiServerPort: 0,
        kubeletBasePort: 0,
        churn: { intervalMs: 5000 },
      },
    });
    expect(io.stderr).toBe('');
  });

  it('--counters and --big-counter-fraction reach the cluster options only when given', () => {
    const given = parseCli(['--counters', 'realistic', '--big-counter-fraction', '0.25'], captureIo());
    expect(given.kind === 'run' && given.options).toMatchObject({ counters: 'realistic', bigCounterFraction: 0.25 });
    const omitted = parseCli([], captureIo());
    expect(omitted.kind === 'run' && omitted.options).not.toHaveProperty('counters');
    expect(omitted.kind === 'run' && omitted.options).not.toHaveProperty('bigCounterFraction');
  });

  it.each([
    [['--counters', 'huge'], /argument 'huge' is invalid\. Allowed choices are small, realistic/],
    [['--big-counter-fraction', '2'], /expected a number from 0 to 1, got "2"/],
    [['--big-counter-fraction', ''], /expected a number from 0 to 1, got ""/],
    [['--nodes', 'x'], /option '--nodes <n>' argument 'x' is invalid\. expected an integer >= 1, got "x"/],
    [['--nodes', '0'], /expected an integer >= 1, got "0"/],
    [['--quirks', 'bogus'], /unknown quirk "bogus"/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['extra'], /too many arguments/],
  ])('a bad flag %j exits 2 with what is wrong and where to find the valid form', (argv, message) => {
    const io = captureIo();
    expect(parseCli(argv, io)).toEqual({ kind: 'exit', code: USAGE_EXIT_CODE });
    expect(io.stderr).toMatch(message);
    expect(io.stderr).toContain('kubelet-sim --help');
  });

  it('--help prints the flags and exits 0', () => {
    const io = captureIo();
    expect(parseCli(['--help'], io)).toEqual({ kind: 'exit', code: 0 });
    expect(io.stdout).toContain('--pods-per-node <n>');
    expect(io.stdout).toContain('--quirks <list>');
  });

  it('runs: prints the apiserver URL and kubelet ports, and stops on a signal with exit 0', async () => {
    const io = captureIo();
    let signal!: (name: string) => void;
    let onExit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (onExit = resolve));
    const cluster = await runCli(['--nodes', '2', '--pods-per-node', '1'], { io, exit: (code) => onExit(code), onSignal: (h) => (signal = h) });
    expect(cluster).toBeDefined();
    expect(io.stdout).toContain(`apiserver: ${cluster!.apiServerUrl}`);
    expect(io.stdout).toContain(`node-1  127.0.0.1:${cluster!.kubelets[1]!.port}`);
    expect((await fetch(`${cluster!.apiServerUrl}/api/v1/nodes`)).status).toBe(200);
    signal('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${cluster!.apiServerUrl}/api/v1/nodes`)).rejects.toThrow();
  });

  it('a usage error through runCli exits 2 without starting anything', async () => {
    const io = captureIo();
    const codes: number[] = [];
    expect(await runCli(['--seed', '-1'], { io, exit: (c) => codes.push(c), onSignal: () => undefined })).toBeUndefined();
    expect(codes).toEqual([2]);
  });
});
