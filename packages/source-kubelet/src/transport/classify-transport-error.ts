/**
 * Maps what undici and Node's TLS stack throw (error codes anywhere in the cause chain) to a ScrapeError whose
 * reason is precise and whose message says what to do: above all, a kubelet certificate without an IP SAN, which
 * every kubelet with its default self-signed certificate has.
 */
import { isIP } from 'node:net';
import { errorMessage } from '@kubestats/core';
import { ScrapeError } from './scrape-error.js';

const untrustedCertificateCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const certificateDateCodes = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
/** An established connection closed under a request: ECONNRESET/EPIPE, or undici's "other side closed". */
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** The reset code when `error` is a connection closed under a request (worth one retry on a fresh connection). */
export function connectionResetCode(error: unknown): string | undefined {
  return errorCodes(error).find((code) => resetCodes.has(code));
}

/**
 * `prefix` names the kubelet and request (`kubelet 10.0.0.7:10250: GET /stats/summary`); `host` is the dialed host.
 * `retriedAfter` says why `error` is a retry's (`after the kept-alive connection was reset (ECONNRESET)`).
 */
export function classifyTransportError(error: unknown, prefix: string, host: string, retriedAfter?: string): ScrapeError {
  const classified = classify(error, prefix, host, retriedAfter);
  if (retriedAfter === undefined || classified.reason === 'scrape-refused') return classified;
  return new ScrapeError(classified.reason, `${classified.message} (on a fresh connection, ${retriedAfter})`, { cause: error });
}

function classify(error: unknown, prefix: string, host: string, retriedAfter: string | undefined): ScrapeError {
  if (error instanceof ScrapeError) return error;
  const codes = errorCodes(error);
  const has = (predicate: (code: string) => boolean): string | undefined => codes.find(predicate);
  const cause = { cause: error };
  const refused = has((code) => code === 'ECONNREFUSED');
  if (refused) {
    const when = retriedAfter === undefined ? '' : ` on a fresh connection ${retriedAfter}`;
    return new ScrapeError('scrape-refused', `${prefix}: connection refused${when} (is the kubelet listening on that port? kubeletPort, useNodeStatusPort)`, cause);
  }
  const altName = has((code) => code === 'ERR_TLS_CERT_ALTNAME_INVALID');
  if (altName) {
    const hint =
      isIP(host) !== 0
        ? `the kubelet certificate has no IP SAN for ${host}: use addressTypes=Hostname (if its certificate names the host), or kubelet serving certificates with IP SANs (serverTLSBootstrap: true), or insecure=true`
        : `the kubelet certificate does not name ${host}: choose addressTypes that match its SANs (e.g. InternalIP with IP SANs), or kubelet serving certificates from serverTLSBootstrap, or insecure=true`;
    return new ScrapeError('scrape-tls-error', `${prefix}: TLS: ${hint}`, cause);
  }
  const untrusted = has((code) => untrustedCertificateCodes.has(code));
  if (untrusted) {
    return new ScrapeError(
      'scrape-tls-error',
      `${prefix}: TLS: kubelet certificate not trusted (${untrusted}): give kubeletCaFile=<PEM of the CA that signed the kubelet serving certificates> (kubelets self-sign by default; serverTLSBootstrap makes the cluster CA sign them), or insecure=true`,
      cause,
    );
  }
  const dated = has((code) => certificateDateCodes.has(code));
  if (dated) return new ScrapeError('scrape-tls-error', `${prefix}: TLS: kubelet certificate ${dated === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'} (${dated}); check the node clock and certificate rotation`, cause);
  const tls = has((code) => code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO');
  if (tls) {
    return new ScrapeError(
      'scrape-tls-error',
      `${prefix}: TLS handshake failed (${tls}: ${errorMessage(error)}); is this port HTTPS? kubeletHttps=true needs the kubelet's HTTPS port (usually kubeletPort=10250)`,
      cause,
    );
  }
  const timeout = has((code) => timeoutCodes.has(code));
  if (timeout) return new ScrapeError('scrape-timeout', `${prefix}: timeout (${timeout})`, cause);
  const code = codes[0];
  return new ScrapeError('scrape-network-error', `${prefix}: ${code === undefined ? '' : `${code}: `}${errorMessage(error)}`, cause);
}
