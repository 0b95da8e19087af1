/**
 * Throwaway X.509 material for TLS tests: a certificate authority and the server or client certificates it signs
 * (EC P-256, SHA-256), generated in-process with `selfsigned`, so no openssl binary or checked-in key is needed.
 */
import { generate } from 'selfsigned';

/** A certificate and its private key, PEM-encoded. */
export interface Pem {
  readonly cert: string;
  readonly key: string;
}

export interface TestCertificateRequest {
  readonly commonName: string;
  /** `server`: serverAuth plus the subject alternative names below; `client`: clientAuth, no names. */
  readonly usage: 'server' | 'client';
  /** DNS subject alternative names of a server certificate (default `localhost`). */
  readonly dnsNames?: readonly string[];
  /** IP subject alternative names of a server certificate (default `127.0.0.1`; `[]` for none). */
  readonly ipAddresses?: readonly string[];
  /** The CA that signs it; self-signed when absent. */
  readonly issuer?: Pem;
}

const keyOptions = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

/** A CA certificate that may sign the certificates `testCertificate` makes. */
export async function testCertificateAuthority(commonName: string): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...keyOptions,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A leaf certificate for a TLS server or client. */
export async function testCertificate(request: TestCertificateRequest): Promise<Pem> {
  const usageExtensions =
    request.usage === 'server'
      ? [
          {
            name: 'subjectAltName' as const,
            altNames: [
              ...(request.dnsNames ?? ['localhost']).map((value) => ({ type: 2 as const, value })),
              ...(request.ipAddresses ?? ['127.0.0.1']).map((ip) => ({ type: 7 as const, ip })),
            ],
          },
          { name: 'extKeyUsage' as const, serverAuth: true },
        ]
      : [{ name: 'extKeyUsage' as const, clientAuth: true }];
  const pems = await generate([{ name: 'commonName', value: request.commonName }], {
    ...keyOptions,
    ...(request.issuer ? { ca: { cert: request.issuer.cert, key: request.issuer.key } } : {}),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      ...usageExtensions,
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
