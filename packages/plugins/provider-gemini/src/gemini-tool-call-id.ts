/**
 * OpenAI clients only echo a tool call's `id`, but Gemini needs two things back with a function call:
 * its own id (when it sent one) and its `thoughtSignature` (Gemini 3 refuses a conversation whose
 * function calls lost theirs). Both travel inside the OpenAI id: `<id>__thought__<signature>` — the
 * convention LiteLLM uses, so conversations move between the two gateways. Ids Tollgate made up for
 * calls Gemini sent without one start with `call_tg` and are not sent back.
 */
const separator = '__thought__';
const madeUpPrefix = 'call_tg';

/** The OpenAI tool call id of a Gemini function call. */
export function toToolCallId(geminiId: string | undefined, signature: string | undefined, ordinal: string): string {
  const id = geminiId ?? `${madeUpPrefix}${ordinal}`;
  return signature === undefined ? id : `${id}${separator}${signature}`;
}

/** Gemini's id (undefined when Tollgate made it up) and thought signature carried by an OpenAI tool call id. */
export function fromToolCallId(toolCallId: string): { id: string | undefined; signature: string | undefined } {
  const at = toolCallId.indexOf(separator);
  const id = at === -1 ? toolCallId : toolCallId.slice(0, at);
  const signature = at === -1 ? undefined : toolCallId.slice(at + separator.length);
  return { id: id.startsWith(madeUpPrefix) ? undefined : id, signature };
}
