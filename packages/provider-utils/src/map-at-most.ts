/**
 * `call` on every item, at most `limit` at a time, the results in the items' order: for an upstream
 * that takes one item a call (an embedding model that embeds one text a request), so a long list
 * neither runs one call after another nor opens a connection per item. The first failure rejects.
 */
export async function mapAtMost<T, R>(items: readonly T[], limit: number, call: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await call(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
