import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testCertificate, testCertificateAuthority } from './test-certificates.js';

describe('test certificates', () => {
  it('signs server certificates with the asked names and client certificates without names', async () => {
    const ca = await testCertificateAuthority('test CA');
    const authority = new X509Certificate(ca.cert);
    expect(authority.ca).toBe(true);

    const server = new X509Certificate((await testCertificate({ commonName: 'node-1', usage: 'server', issuer: ca })).cert);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(authority)).toBe(true);
    expect(server.verify(authority.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');

    const noIp = new X509Certificate((await testCertificate({ commonName: 'node-2', usage: 'server', dnsNames: ['node-2'], ipAddresses: [], issuer: ca })).cert);
    expect(noIp.checkIP('127.0.0.1')).toBeUndefined();
    expect(noIp.checkHost('node-2')).toBe('node-2');

    const client = new X509Certificate((await testCertificate({ commonName: 'alice', usage: 'client', issuer: ca })).cert);
    expect(client.subject).toContain('CN=alice');
    expect(client.subjectAltName).toBeUndefined();
    expect(client.checkIssued(authority)).toBe(true);
  });

  it('makes a self-signed certificate when no issuer is given', async () => {
    const self = new X509Certificate((await testCertificate({ commonName: 'node-1', usage: 'server' })).cert);
    expect(self.issuer).toBe(self.subject);
    expect(self.verify(self.publicKey)).toBe(true);
  });
});
