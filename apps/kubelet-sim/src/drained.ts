/** Backpressure for streamed HTTP responses (big lists, huge-body padding). */
import type { ServerResponse } from 'node:http';

/** Resolves when the response can take more data or is gone, without leaving listeners behind. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
