#!/usr/bin/env node
// The README's test command behind `npm test`: starts the real InfluxDB and Kafka servers (installing them when
// missing), runs typecheck, lint and every package's tests through turbo, then prints one closing line
// `N passed, N failed` from the vitest JSON reports, exiting non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceDirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, group, entry.name)),
);

function run(command, args, extraEnv = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  return result.status ?? 1;
}

const env = {
  TURBO_TELEMETRY_DISABLED: '1',
  KUBESTATS_INFLUXDB_URL: process.env.KUBESTATS_INFLUXDB_URL ?? `http://127.0.0.1:${process.env.KUBESTATS_INFLUXDB_PORT ?? 8086}`,
  KUBESTATS_KAFKA_BROKERS: process.env.KUBESTATS_KAFKA_BROKERS ?? `127.0.0.1:${process.env.KUBESTATS_KAFKA_PORT ?? 9092}`,
};

for (const dir of workspaceDirs) rmSync(join(dir, '.vitest-report.json'), { force: true });

console.log('==> starting test services (scripts/services up)');
if (run(join(root, 'scripts/services'), ['up'], env) !== 0) {
  console.error('test services failed to start: see the messages above (scripts/services names the failing step)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

console.log('==> typecheck, lint and test (turbo)');
const turboStatus = run('npx', ['turbo', 'run', 'typecheck', 'lint', 'test', '--continue', '--output-logs=errors-only'], env);

let passed = 0;
let failed = 0;
let skipped = 0;
const missingReports = [];
for (const dir of workspaceDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!manifest.scripts?.test) continue;
  const reportPath = join(dir, '.vitest-report.json');
  if (!existsSync(reportPath)) {
    missingReports.push(manifest.name);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite that failed to load has no tests to count; count it as a failure so it cannot pass unnoticed.
  failed += report.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.length === 0).length;
}
if (missingReports.length > 0) {
  console.error(`no test report from: ${missingReports.join(', ')} (its test run crashed or did not start)`);
  failed += missingReports.length;
}
if (turboStatus !== 0 && failed === 0) {
  console.error('typecheck or lint failed (see above)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || turboStatus !== 0 ? 1 : 0);
