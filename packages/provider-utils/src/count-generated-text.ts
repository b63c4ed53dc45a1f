import type { StreamedOutput } from '@tollgate/core';

/** A needle to search for, and the quoted keys (`"content"`) it may be part of, with where in each it starts. */
interface KeySearch {
  readonly needle: Buffer;
  readonly keys: readonly { readonly key: Buffer; readonly needleAt: number }[];
}

/** How long a needle is: Buffer#indexOf answers a needle of up to 6 bytes ~4× faster than a longer one (measured on Node 24). */
const needleBytes = 6;

/**
 * JSON keys whose string values are generated text, found in a stream's bytes without parsing it.
 * Each key is searched by 6 bytes of `"name":` that do not begin with its opening quote (a quote
 * comes every few bytes in JSON, and Buffer#indexOf steps by its needle's first byte): `ntent"` for
 * `"content"` and `"reasoning_content"` alike, `text":` for `"text"`. A match is then checked whole,
 * so `cited_text` is not `text`.
 */
export class GeneratedTextKeys {
  readonly #searches: readonly KeySearch[];

  constructor(names: readonly string[]) {
    const searches = new Map<string, { key: Buffer; needleAt: number }[]>();
    for (const name of names) {
      const key = `"${name}"`;
      const needleAt = Math.max(1, key.length - needleBytes);
      const needle = `${key}:`.slice(needleAt, needleAt + needleBytes);
      searches.set(needle, [...(searches.get(needle) ?? []), { key: Buffer.from(key), needleAt }]);
    }
    this.#searches = [...searches].map(([needle, keys]) => ({ needle: Buffer.from(needle), keys }));
  }

  /** Counts into `output` every non-empty string value of these keys among complete SSE events. */
  count(events: Buffer, output: StreamedOutput): void {
    for (const { needle, keys } of this.#searches) {
      for (let at = events.indexOf(needle); at !== -1; at = events.indexOf(needle, at + 1)) {
        let cursor = keyEndAt(events, at, keys);
        if (cursor === -1) continue; // part of another name, or a value (`"type":"text"`)
        while (events[cursor] === 0x20) cursor += 1;
        if (events[cursor] !== 0x3a) continue; // a value, not a key
        cursor += 1;
        while (events[cursor] === 0x20) cursor += 1;
        if (events[cursor] !== 0x22) continue; // null, or not text
        const end = endOfJsonString(events, cursor + 1);
        if (end === -1) break;
        if (end > cursor + 1) {
          output.pieces += 1;
          output.textBytes += end - cursor - 1;
        }
        at = end;
      }
    }
  }
}

/** Where the quoted key around a needle found at `at` ends, if one of `keys` is there; else -1. */
function keyEndAt(data: Buffer, at: number, keys: KeySearch['keys']): number {
  for (const { key, needleAt } of keys) {
    const start = at - needleAt;
    if (start < 0 || start + key.length > data.length) continue;
    let index = 0;
    while (index < key.length && data[start + index] === key[index]) index += 1;
    if (index === key.length) return start + key.length;
  }
  return -1;
}

/** The index of the quote that ends the JSON string starting at `from` (past its opening quote), or -1. */
function endOfJsonString(data: Buffer, from: number): number {
  for (let at = data.indexOf(0x22, from); at !== -1; at = data.indexOf(0x22, at + 1)) {
    let backslashes = 0;
    while (data[at - 1 - backslashes] === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/** Generated text in OpenAI chat chunks: content, reasoning (vLLM's `reasoning_content`, OpenRouter's `reasoning`), refusals, tool-call arguments. */
export const chatChunkTextKeys = new GeneratedTextKeys(['content', 'reasoning_content', 'reasoning', 'refusal', 'arguments']);

/** Generated text in legacy completions chunks. */
export const completionChunkTextKeys = new GeneratedTextKeys(['text']);

/** Generated text in Anthropic's content_block_delta events: text, thinking, a tool call's input JSON. */
export const anthropicDeltaTextKeys = new GeneratedTextKeys(['text', 'thinking', 'partial_json']);

/** Generated text in Responses API events: every `*.delta` event's `delta` (text, reasoning summaries, refusals, tool-call arguments). */
export const responsesDeltaTextKeys = new GeneratedTextKeys(['delta']);
