/**
 * Deterministic randomness for the simulator: every random choice (workload profile, burst level, names, which
 * node a fractional quirk hits) is a pure function of the seed and the thing's identity, so two runs with the same
 * seed serve identical clusters and a test can name the exact value it expects.
 */

/** FNV-1a over the parts (numbers and strings), finished with a murmur3 mix so nearby inputs spread well. */
export function hash32(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === 'number' ? `#${part}` : part;
    for (let i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) derived from the parts. */
export function unitFloat(...parts: readonly (string | number)[]): number {
  return hash32(...parts) / 0x1_0000_0000;
}

/** A uniform integer in [min, max] derived from the parts. */
export function intBetween(min: number, max: number, ...parts: readonly (string | number)[]): number {
  return min + Math.floor(unitFloat(...parts) * (max - min + 1));
}

/** Lower-case hex of the requested length, as container ids and uids are spelled. */
export function hexString(length: number, ...parts: readonly (string | number)[]): string {
  let out = '';
  for (let i = 0; out.length < length; i += 1) {
    out += hash32(...parts, i).toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** An RFC 4122-shaped uid (version 4 layout) derived from the parts. */
export function uidFrom(...parts: readonly (string | number)[]): string {
  const hex = hexString(32, ...parts);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Kubernetes' generated-name alphabet (no vowels, no confusable digits), as in apimachinery's rand.String. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function nameSuffix(length: number, ...parts: readonly (string | number)[]): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out += NAME_ALPHABET[hash32(...parts, i) % NAME_ALPHABET.length];
  }
  return out;
}
