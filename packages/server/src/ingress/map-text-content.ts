/** A content block of a client's wire format: its `type`, and `text` on text blocks. */
type Block = { readonly type?: unknown; readonly text?: unknown; readonly [field: string]: unknown };

/**
 * Maps a message content in a client's wire format — a string, or blocks of which those of
 * `textTypes` carry a `text` — leaving every other block as sent; the same value when nothing changed.
 */
export function mapTextContent(content: unknown, textTypes: ReadonlySet<unknown>, map: (text: string) => string): unknown {
  if (typeof content === 'string') return map(content);
  if (!Array.isArray(content)) return content;
  let changed = false;
  const blocks = (content as Block[]).map((block) => {
    if (!textTypes.has(block?.type) || typeof block.text !== 'string') return block;
    const text = map(block.text);
    if (text === block.text) return block;
    changed = true;
    return { ...block, text };
  });
  return changed ? blocks : content;
}

/**
 * Maps each item of a list with `mapItem`; the same list when no item changed (each unchanged item
 * returned as it was).
 */
export function mapEach<T>(items: readonly T[], mapItem: (item: T) => T): readonly T[] {
  let changed = false;
  const mapped = items.map((item) => {
    const next = mapItem(item);
    if (next !== item) changed = true;
    return next;
  });
  return changed ? mapped : items;
}
