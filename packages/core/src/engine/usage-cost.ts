import type { ChatCompletionChunk } from '../types/chat-completion-chunk.js';

const usageObject = Buffer.from('"usage":{');

/** Micro-dollars as the US dollars an answer says (`0.00002`), as OpenRouter's `usage.cost` and the `x-tollgate-cost` header give them. */
export function usdOfMicros(micros: number): string {
  return String(micros / 1_000_000);
}

/**
 * SSE bytes with `"cost":<usd>` (from `micros`) spliced into the first `"usage":{` object they hold
 * (OpenAI's final usage chunk, compact JSON as OpenAI-compatible servers send it), as OpenRouter's
 * streams carry it; undefined when they hold none.
 */
export function withUsageCostBytes(bytes: Uint8Array, micros: number): Uint8Array | undefined {
  const usd = usdOfMicros(micros);
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buffer.indexOf(usageObject);
  if (at === -1) return undefined;
  const end = at + usageObject.length;
  const field = buffer[end] === 0x7d ? `"cost":${usd}` : `"cost":${usd},`; // `"usage":{}`
  return Buffer.concat([buffer.subarray(0, end), Buffer.from(field), buffer.subarray(end)]);
}

/** A usage chunk with `cost` (US dollars, from `micros`) in its usage, as OpenRouter's streams carry it. */
export function withUsageCost(chunk: ChatCompletionChunk, micros: number): ChatCompletionChunk {
  return { ...chunk, usage: { ...chunk.usage!, cost: micros / 1_000_000 } };
}
