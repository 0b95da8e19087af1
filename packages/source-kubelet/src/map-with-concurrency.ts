/**
 * Runs an async function over items with at most `limit` in flight, keeping results in item order. Bounded
 * concurrency is what keeps one slow kubelet from costing more than its own slot (Heapster ran one goroutine per
 * node, uncapped).
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
