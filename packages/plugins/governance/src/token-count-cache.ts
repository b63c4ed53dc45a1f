import { countTokens } from 'gpt-tokenizer';

/** What one kept text costs besides its characters (the map entry and the string's header), in characters. */
const entryChars = 64;

/**
 * Token counts of the texts seen recently, least recently used first out. An agent resends its
 * whole conversation (system prompt and tool definitions included) on every turn, so without it
 * each turn tokenizes every earlier message again on the event loop: about 15–20 ms per 125 KB of
 * text with the o200k tokenizer, and ~5 µs even for a 30-character message (a lookup: ~0.3 µs).
 * Texts shorter than `minChars` (16: names) are counted directly; the texts kept total at most
 * `maxChars` characters, each counted {@link entryChars} more for its entry, so a flood of short
 * texts cannot hold more memory than a few long ones. Counts are exact either way.
 */
export class TokenCountCache {
  readonly #counts = new Map<string, number>();
  readonly #maxChars: number;
  readonly #minChars: number;
  #chars = 0;
  #hits = 0;

  constructor(options: { readonly maxChars?: number; readonly minChars?: number } = {}) {
    this.#maxChars = options.maxChars ?? 4_000_000;
    this.#minChars = options.minChars ?? 16;
  }

  /** The o200k token count of `text`. */
  count(text: string): number {
    if (text.length < this.#minChars || text.length > this.#maxChars) return countTokens(text);
    const known = this.#counts.get(text);
    if (known !== undefined) {
      this.#hits += 1;
      // Most recently used last: re-insert.
      this.#counts.delete(text);
      this.#counts.set(text, known);
      return known;
    }
    const tokens = countTokens(text);
    this.#counts.set(text, tokens);
    this.#chars += text.length + entryChars;
    for (const oldest of this.#counts.keys()) {
      if (this.#chars <= this.#maxChars) break;
      this.#counts.delete(oldest);
      this.#chars -= oldest.length + entryChars;
    }
    return tokens;
  }

  /** Counts answered from the cache, for tests and diagnostics. */
  get hits(): number {
    return this.#hits;
  }

  /** Characters of the texts kept, each counted {@link entryChars} more for its entry. */
  get chars(): number {
    return this.#chars;
  }
}
