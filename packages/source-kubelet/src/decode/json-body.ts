/**
 * JSON parsing for kubelet bodies without losing integers. cAdvisor reports "unlimited" as uint64 values above 2^53
 * (18446744073709551615, 9223372036854771712) that `JSON.parse` silently rounds, and a long-lived node's CPU counter
 * can pass 2^53 core-ns too. A body whose digit runs are all at most 2^53 - 1 (15 digits or fewer, or 16 digits up
 * to 9007199254740991) cannot hold such a number, so it takes the fast native path; any other body is parsed with
 * lossless-json, which hands us every integer literal too large for a double as an exact bigint.
 */
import { parse as parseLossless } from 'lossless-json';
import { DecodeError } from './decode-error.js';

/**
 * 15 digits are always below 2^53; 16 may not be, 17 or more always may. Strings (container ids, timestamps) and the
 * digits of fractions can also match: harmless, the lossless path decodes those as JSON.parse does.
 */
const longRun = 16;
/** 2^53 - 1, the largest integer a double holds with all its neighbours: a 16-digit run above it is not safe. */
const maxSafeDigits = String(Number.MAX_SAFE_INTEGER);
const integerLiteral = /^-?\d+$/;

function parseNumberLiteral(literal: string): number | bigint {
  if (integerLiteral.test(literal)) {
    const asNumber = Number(literal);
    return Number.isSafeInteger(asNumber) ? asNumber : BigInt(literal);
  }
  return Number(literal);
}

/**
 * Whether `body` needs the lossless parser: it has a run of 17 or more digits, or of 16 digits above 2^53 - 1
 * (exported for the benchmark and tests).
 */
export function needsLosslessParse(body: string): boolean {
  // Any run of 16 digits covers one of every 16th position, so only those are probed and a digit there is measured
  // outward: about 1/16 of the work of a regex scan, which cost as much as JSON.parse itself on a summary body.
  for (let probe = longRun - 1; probe < body.length; probe += longRun) {
    if (!isDigit(body.charCodeAt(probe))) continue;
    let start = probe;
    while (start > 0 && isDigit(body.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < body.length && isDigit(body.charCodeAt(end))) end++;
    const length = end - start;
    if (length > longRun) return true;
    // A CPU counter passes 10^15 core-ns after about a day on a busy node: most 16-digit runs are still exact.
    if (length === longRun && sixteenDigitsAboveMaxSafe(body, start)) return true;
    if (end > probe + 1) probe = end - longRun;
  }
  return false;
}

/** Compares the 16 digits at `start` with 9007199254740991 digit by digit (same length: text order is numeric). */
function sixteenDigitsAboveMaxSafe(body: string, start: number): boolean {
  for (let i = 0; i < longRun; i++) {
    const digit = body.charCodeAt(start + i);
    const limit = maxSafeDigits.charCodeAt(i);
    if (digit !== limit) return digit > limit;
  }
  return false;
}

function isDigit(charCode: number): boolean {
  return charCode >= 48 && charCode <= 57;
}

/**
 * Parses a JSON body. Integers that a double cannot hold exactly come back as bigint, all other numbers as number.
 * Throws DecodeError naming the byte where the body is truncated or invalid.
 */
export function parseJsonBody(body: string): unknown {
  if (!needsLosslessParse(body)) {
    try {
      return JSON.parse(body) as unknown;
    } catch (error) {
      // The native message has no reliable position in every case; the lossless parser reports one.
      throw jsonError(body, error);
    }
  }
  try {
    return parseLosslessJson(body);
  } catch (error) {
    throw jsonError(body, error);
  }
}

/** The lossless path alone, for any body (exported for tests that compare it with the fast path). */
export function parseLosslessJson(body: string): unknown {
  return parseLossless(body, null, parseNumberLiteral);
}

const positionPattern = /position (\d+)/;

function jsonError(body: string, nativeError: unknown): DecodeError {
  let message = nativeError instanceof Error ? nativeError.message : String(nativeError);
  let position = positionOf(message);
  if (position === undefined) {
    try {
      parseLosslessJson(body);
    } catch (losslessError) {
      if (losslessError instanceof Error) {
        message = losslessError.message;
        position = positionOf(message);
      }
    }
  }
  const bodyBytes = Buffer.byteLength(body);
  if (body.trim() === '' || (position !== undefined && position >= body.length) || /end of (input|JSON)/i.test(message)) {
    return new DecodeError(`truncated JSON at byte ${bodyBytes} (${bodyBytes} bytes received)`, bodyBytes);
  }
  if (position === undefined) return new DecodeError(`invalid JSON: ${message}`);
  const byteOffset = Buffer.byteLength(body.slice(0, position));
  return new DecodeError(`invalid JSON at byte ${byteOffset}: ${message}`, byteOffset);
}

function positionOf(message: string): number | undefined {
  const match = positionPattern.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
