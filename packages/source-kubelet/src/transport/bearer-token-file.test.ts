import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPermanentError, silentLogger, type Logger } from '@kubestats/core';
import { FakeClock } from '@kubestats/testing';
import { describe, expect, it } from 'vitest';
import { BearerTokenFile } from './bearer-token-file.js';

function tokenPath(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kubelet-token-')), 'token');
  writeFileSync(path, content);
  return path;
}

describe('BearerTokenFile', () => {
  it('reads the token trimmed and re-reads it once a minute, so rotated tokens are used', async () => {
    const clock = new FakeClock();
    const path = tokenPath('first-token\n');
    const file = new BearerTokenFile(path, clock, silentLogger);
    await file.load();
    writeFileSync(path, 'rotated-token');
    expect(await file.current()).toBe('first-token');
    await clock.advance(60_000);
    expect(await file.current()).toBe('rotated-token');
  });

  it('fails to load a missing or empty file with a PermanentError naming the path, never the token', async () => {
    const missing = new BearerTokenFile('/nonexistent/token', new FakeClock(), silentLogger);
    const error = await missing.load().then(() => undefined, (rejection: unknown) => rejection);
    expect(isPermanentError(error)).toBe(true);
    expect(String(error)).toContain('cannot read /nonexistent/token');
    await expect(new BearerTokenFile(tokenPath('  \n'), new FakeClock(), silentLogger).load()).rejects.toThrow(/is empty$/);
  });

  it('keeps the previous token when a re-read fails', async () => {
    const clock = new FakeClock();
    const path = tokenPath('kept-token');
    const warnings: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (fields: unknown) => void warnings.push(fields) };
    const file = new BearerTokenFile(path, clock, logger);
    await file.load();
    writeFileSync(path, '');
    await clock.advance(60_000);
    expect(await file.current()).toBe('kept-token');
    expect(JSON.stringify(warnings)).not.toContain('kept-token');
    expect(warnings).toHaveLength(1);
  });
});
