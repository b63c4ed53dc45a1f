import type { ChatCompletionChunk, ChatCompletionChunkChoice, ChatCompletionResponse } from '@tollgate/core';

/** A chat request's `stop` as a list of its sequences (a string is one; empty ones are none). */
export function stopSequencesOf(stop: string | readonly string[] | null | undefined): string[] {
  if (stop == null) return [];
  return (typeof stop === 'string' ? [stop] : stop).filter((sequence) => typeof sequence === 'string' && sequence !== '');
}

/** The first of `stops` in `text` and where it begins; undefined when none is in it. */
function firstStop(text: string, stops: readonly string[]): { readonly index: number; readonly stop: string } | undefined {
  let first: { index: number; stop: string } | undefined;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index !== -1 && (first === undefined || index < first.index)) first = { index, stop };
  }
  return first;
}

/** How many characters at the end of `text` begin one of `stops` (and may be the start of a stop sequence the next chunk ends). */
function heldBackLength(text: string, stops: readonly string[]): number {
  const longest = Math.min(text.length, Math.max(...stops.map((stop) => stop.length)) - 1);
  for (let length = longest; length > 0; length -= 1) {
    const tail = text.slice(text.length - length);
    if (stops.some((stop) => stop.startsWith(tail))) return length;
  }
  return 0;
}

/**
 * A whole answer as a model that applied `stops` would have given it: each choice's text cut before the
 * first stop sequence in it (the sequence left out, as OpenAI leaves it out), nothing after it (tool
 * calls included), finished for `stop` with the sequence as its `stop_reason` (as vLLM reports it). The
 * same answer when no text holds one.
 */
export function cutAnswerAtStops(response: ChatCompletionResponse, stops: readonly string[]): ChatCompletionResponse {
  if (stops.length === 0) return response;
  let cut = false;
  const choices = response.choices.map((choice) => {
    const content = choice.message.content;
    const found = typeof content === 'string' ? firstStop(content, stops) : undefined;
    if (found === undefined) return choice;
    cut = true;
    const { tool_calls: _calls, ...message } = choice.message;
    return { ...choice, message: { ...message, content: content!.slice(0, found.index) }, finish_reason: 'stop' as const, stop_reason: found.stop };
  });
  return cut ? { ...response, choices } : response;
}

/** What a stream's choice has seen: text held back while it may begin a stop sequence, and whether it stopped. */
interface ChoiceState {
  held: string;
  stopped: boolean;
}

/**
 * A stream as a model that applied `stops` would have sent it: each choice's text passed on as it
 * comes, but for a tail that may begin a stop sequence (held until the next piece says); at the first
 * stop sequence its text ends before it and the choice finishes for `stop` (the sequence its
 * `stop_reason`), nothing more of it sent.
 * Chunks of no choice (the usage at the end) pass as they come, so the whole answer is still counted.
 */
export async function* cutStreamAtStops(chunks: AsyncIterable<ChatCompletionChunk>, stops: readonly string[]): AsyncGenerator<ChatCompletionChunk> {
  const states = new Map<number, ChoiceState>();
  for await (const chunk of chunks) {
    const choices: ChatCompletionChunkChoice[] = [];
    for (const choice of chunk.choices) {
      const state = states.get(choice.index) ?? { held: '', stopped: false };
      states.set(choice.index, state);
      if (state.stopped) continue;
      const content = choice.delta.content;
      if (typeof content !== 'string' || content === '') {
        // The choice ends: what was held back was no stop sequence.
        const flushed = choice.finish_reason !== null && state.held !== '' ? { ...choice, delta: { ...choice.delta, content: state.held } } : choice;
        if (choice.finish_reason !== null) state.held = '';
        choices.push(flushed);
        continue;
      }
      const text = state.held + content;
      const found = firstStop(text, stops);
      if (found !== undefined) {
        state.stopped = true;
        state.held = '';
        const { tool_calls: _calls, ...delta } = choice.delta;
        choices.push({ ...choice, delta: { ...delta, content: text.slice(0, found.index) }, finish_reason: 'stop', stop_reason: found.stop });
        continue;
      }
      const held = choice.finish_reason === null ? heldBackLength(text, stops) : 0;
      state.held = text.slice(text.length - held);
      choices.push({ ...choice, delta: { ...choice.delta, content: text.slice(0, text.length - held) } });
    }
    // A chunk of stopped choices only goes when it carries something else (usage).
    if (choices.length > 0 || chunk.choices.length === 0 || chunk.usage != null) yield { ...chunk, choices };
  }
}
