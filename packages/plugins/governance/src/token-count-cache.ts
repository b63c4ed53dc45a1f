import { countTokens } from 'gpt-tokenizer';

/** What one kept text costs besides its characters (the map entry and the string's header), in characters. */
const entryChars = 64;

/** A kept count, and whether it was asked for since eviction last passed it. */
interface CountEntry {
  readonly tokens: number;
  used: boolean;
}

/**
 * Token counts of the texts seen recently. An agent resends its whole conversation (system prompt
 * and tool definitions included) on every turn, so without it each turn tokenizes every earlier
 * message again on the event loop: about 15–20 ms per 125 KB of text with the o200k tokenizer, and
 * ~5 µs even for a 30-character message, ~3 µs for a one-word one (a lookup: ~0.3 µs), so texts of
 * every length are kept, names included. The texts kept total at most `maxChars` characters, each counted
 * {@link entryChars} more for its entry, so a flood of short texts cannot hold more memory than a few
 * long ones. Counts are exact either way. The least recently used go first, by second chance: a hit
 * marks its entry (one lookup, where moving it to the newest end cost a delete and an insert per
 * message per turn) and eviction moves a marked entry to the newest end instead of dropping it.
 */
export class TokenCountCache {
  readonly #entries = new Map<string, CountEntry>();
  readonly #maxChars: number;
  #chars = 0;
  #hits = 0;

  constructor(options: { readonly maxChars?: number } = {}) {
    this.#maxChars = options.maxChars ?? 4_000_000;
  }

  /** The o200k token count of `text`. */
  count(text: string): number {
    const size = text.length + entryChars;
    if (size > this.#maxChars) return countTokens(text);
    const known = this.#entries.get(text);
    if (known !== undefined) {
      this.#hits += 1;
      known.used = true;
      return known.tokens;
    }
    const tokens = countTokens(text);
    this.#makeRoom(size);
    this.#entries.set(text, { tokens, used: false });
    this.#chars += size;
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

  /**
   * Drops the oldest unmarked entries until `size` more fits; marked ones are unmarked and move to the
   * newest end. Done before the new text goes in, so it is not the one dropped.
   */
  #makeRoom(size: number): void {
    while (this.#chars + size > this.#maxChars) {
      const [oldest, entry] = this.#entries.entries().next().value!;
      this.#entries.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.#entries.set(oldest, entry);
      } else {
        this.#chars -= oldest.length + entryChars;
      }
    }
  }
}
