import type { TextMatch } from './text-guard.js';

/**
 * Holds back the tail of a streamed text so a guard sees matches split across chunks: each choice's
 * text is buffered, and all but its last `holdback` characters are released through `process` (which
 * guards them) as chunks arrive — never cutting through a match found in the buffer, nor through a
 * word — and the rest when the choice finishes. A match longer than `holdback` may be cut.
 */
export class StreamTextFilter {
  readonly #pending = new Map<number, string>();
  readonly #holdback: number;
  readonly #find: (text: string) => readonly TextMatch[];
  readonly #process: (text: string) => string;

  constructor(holdback: number, find: (text: string) => readonly TextMatch[], process: (text: string) => string) {
    this.#holdback = holdback;
    this.#find = find;
    this.#process = process;
  }

  /** Adds a choice's delta text; returns the guarded text to send now (maybe empty). */
  push(choice: number, text: string, finished: boolean): string {
    const buffer = (this.#pending.get(choice) ?? '') + text;
    if (finished) {
      this.#pending.delete(choice);
      return buffer === '' ? '' : this.#process(buffer);
    }
    let cut = buffer.length - this.#holdback;
    if (cut > 0) {
      for (const match of this.#find(buffer)) if (match.start < cut && match.end > cut) cut = match.start;
      const space = buffer.lastIndexOf(' ', cut - 1);
      if (space >= 0) cut = space + 1;
    }
    if (cut <= 0) {
      this.#pending.set(choice, buffer);
      return '';
    }
    this.#pending.set(choice, buffer.slice(cut));
    return this.#process(buffer.slice(0, cut));
  }
}
