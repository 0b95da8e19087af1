import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../test-support/capture-io.js';
import { normalizeArgv } from './normalize-argv.js';
import { runCli } from './program.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('normalizeArgv', () => {
  it('turns _ into - in flag names only', () => {
    expect(normalizeArgv(['--metric_resolution=1m', '--tls_cert', 'a_b.pem', 'top', 'pods', '-n', 'kube_system', '--', '--x_y'])).toEqual([
      '--metric-resolution=1m',
      '--tls-cert',
      'a_b.pem',
      'top',
      'pods',
      '-n',
      'kube_system',
      '--',
      '--x_y',
    ]);
  });
});

describe('kubestats validate', () => {
  it('accepts Heapster flags in either spelling and prints the effective settings', async () => {
    const io = captureIo();
    const code = await runCli(
      ['validate', '--source=kubernetes.summary_api:https://kubernetes.default', '--sink=log', '--sink', 'influxdb:http://127.0.0.1:8086?db=k8s', '--metric_resolution=15s', '--heapster-port=9000'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain('configuration is valid');
    expect(io.out()).toContain('sinks: memory (always), log, influxdb:http://127.0.0.1:8086?db=k8s');
    expect(io.out()).toContain('metric resolution: 15s');
    expect(io.out()).toContain(':9000');
    expect(io.out()).toContain('explain trail: up to 100000 keys');
  });

  it('sizes the explain trail with --diagnostics_max_keys and rejects a size it cannot use, exit code 2', async () => {
    const source = '--source=kubernetes.summary_api:https://kubernetes.default';
    const io = captureIo();
    expect(await runCli(['validate', source, '--diagnostics_max_keys=600000'], io)).toBe(0);
    expect(io.out()).toContain('explain trail: up to 600000 keys');
    const bad = captureIo();
    expect(await runCli(['validate', source, '--diagnostics-max-keys=10'], bad)).toBe(2);
    expect(bad.err()).toContain('diagnostics_max_keys: ');
    expect(bad.err()).toContain('--diagnostics_max_keys=<integer 1000-10000000>');
  });

  it('reads a config file, flags overriding it', async () => {
    const io = captureIo();
    expect(await runCli(['validate', `--config=${fixture('valid.yaml')}`, '--metric-resolution=30s'], io)).toBe(0);
    expect(io.out()).toContain('metric resolution: 30s');
    expect(io.out()).toContain(':9082');
  });

  it('lists every problem of a config file with its path, exit code 2', async () => {
    const io = captureIo();
    expect(await runCli(['validate', `--config=${fixture('invalid.yaml')}`], io)).toBe(2);
    const err = io.err();
    for (const path of ['metric_resolution', 'heapster_port', 'log_level', 'colour']) expect(err).toContain(`invalid.yaml: ${path}: `);
    expect(err).toContain('must be at least 1s, got 500ms');
    expect(io.out()).toBe('');
  });

  it('checks source and sink options against the plugin schemas', async () => {
    const io = captureIo();
    const code = await runCli(
      ['validate', '--source=kubernetes.summary_api:https://k?kubeletPort=notaport&bogus=1', '--sink=influxdb:http://127.0.0.1:8086?nope=1', '--sink=carrier-pigeon'],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toContain('error: source.kubeletPort: expected an integer');
    expect(io.err()).toContain('error: source.bogus: unknown option');
    expect(io.err()).toContain('error: sink[0].nope: unknown option');
    expect(io.err()).toContain('error: sink[1]: unknown sink type "carrier-pigeon"; known: memory, log, influxdb, kafka');
  });

  it.each([
    [['--metric_resolution=500ms'], 'metric_resolution: must be at least 1s', '--metric_resolution=<duration'],
    [['--metric-resolution=soon'], 'metric_resolution: expected a duration', '--metric_resolution=<duration'],
    [['--port=99999'], 'heapster_port', '--heapster-port=<port 0-65535>'],
    [['--tls_cert=a.pem'], 'tls_key: tls_cert and tls_key are given together', '--tls_key=<PEM file>'],
    [['--allowed_users=alice'], 'allowed_users: needs tls_client_ca', '--allowed_users=<CN>'],
    [['--sim-nodes=3'], 'sim_nodes: only applies with --simulate', '--sim-nodes=<integer'],
    [['--port=1', '--heapster-port=2'], 'heapster_port: given twice', '--heapster-port'],
  ])('rejects %j: prints what is wrong and the valid form, exit code 2', async (flags, problem, form) => {
    const io = captureIo();
    const code = await runCli(['validate', '--source=kubernetes.summary_api:https://k', ...flags], io);
    expect(code).toBe(2);
    expect(io.err()).toContain(problem);
    expect(io.err()).toContain(`valid form: ${form}`);
  });

  it('requires a source unless simulating', async () => {
    const io = captureIo();
    expect(await runCli(['validate'], io)).toBe(2);
    expect(io.err()).toContain('source: is required');
    const sim = captureIo();
    expect(await runCli(['validate', '--source=sim', '--sim-nodes=2'], sim)).toBe(0);
    expect(sim.out()).toContain('simulated cluster (2 nodes');
  });

  it('rejects unknown flags through commander with exit code 2', async () => {
    const io = captureIo();
    expect(await runCli(['validate', '--sorce=x'], io)).toBe(2);
    expect(io.err()).toContain("unknown option '--sorce=x'");
    expect(io.err()).toContain('--help');
  });
});

describe('kubestats components', () => {
  it('lists every plugin with its options', async () => {
    const io = captureIo();
    expect(await runCli(['components'], io)).toBe(0);
    const out = io.out();
    for (const type of ['kubernetes.summary_api', 'kubernetes', 'kubernetes.resource_metrics', 'rate', 'pod_enricher', 'namespace_enricher', 'pod_aggregator', 'namespace_aggregator', 'node_aggregator', 'cluster_aggregator', 'node_autoscaling_enricher', 'memory', 'log', 'influxdb', 'kafka']) {
      expect(out).toContain(`  ${type}  `);
    }
    expect(out).toContain('kubeletPort (int, default 10255)');
  });

  it('prints help and the version with exit code 0', async () => {
    const help = captureIo();
    expect(await runCli(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Usage: kubestats');
    expect(help.out()).toContain('demo');
    const runHelp = captureIo();
    expect(await runCli(['run', '--help'], runHelp)).toBe(0);
    expect(runHelp.out()).toContain('--metric-resolution <duration>');
  });
});

describe('kubestats top and explain argument errors', () => {
  it.each([
    [['top', 'widgets'], 'top: unknown resource "widgets"'],
    [['top', 'nodes', '-n', 'x'], 'nodes have no namespace'],
    [['explain', 'pod', 'no-namespace'], 'expected NAMESPACE/NAME'],
    [['explain', 'deployment', 'x'], 'explain: unknown kind "deployment"'],
  ])('%j exits 2 naming the valid form', async (args, message) => {
    const io = captureIo();
    expect(await runCli(args, io)).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain('valid form');
  });

  it('names the server when it cannot be reached, exit code 1', async () => {
    const io = captureIo();
    expect(await runCli(['top', 'nodes', '--server', 'http://127.0.0.1:1'], io)).toBe(1);
    expect(io.err()).toContain('GET http://127.0.0.1:1/apis/metrics.k8s.io/v1beta1/nodes');
  });
});
