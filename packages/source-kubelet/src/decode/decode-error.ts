/**
 * The error every decoder throws when a kubelet body cannot be decoded as a whole (truncated, not JSON or Prometheus
 * text, or the wrong shape). The transport turns it into a `decode-error` failure for that node.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** UTF-8 byte offset of the problem in the body, when the parser knows it. */
  readonly byteOffset: number | undefined;

  constructor(message: string, byteOffset?: number) {
    super(message);
    this.byteOffset = byteOffset;
  }
}

/** A structural problem: `wrong shape: node.cpu is a string`. */
export function wrongShape(path: string, value: unknown, expected: string): DecodeError {
  return new DecodeError(`wrong shape: ${path} is ${describeJsonType(value)}, expected ${expected}`);
}

export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** A required field is absent: `wrong shape: summary.node is missing`. */
export function missingField(path: string): DecodeError {
  return new DecodeError(`wrong shape: ${path} is missing`);
}
