import type { ChatCompletionChunk } from './chat-completion-chunk.js';

/**
 * The generated text a stream carried, counted as it went by (content, reasoning, tool-call
 * arguments): what a stream cut before the upstream's last usage count is charged by.
 */
export interface StreamedOutput {
  /** Pieces of generated text: one per delta that carried some. */
  pieces: number;
  /** Their length in UTF-8 bytes (counted in a stream's own bytes: as the upstream sent them, JSON escapes included). */
  textBytes: number;
}

/** A new, empty count. */
export function newStreamedOutput(): StreamedOutput {
  return { pieces: 0, textBytes: 0 };
}

/** Counts one piece of generated text, if it has any. */
export function countStreamedText(output: StreamedOutput, text: unknown): void {
  if (typeof text !== 'string' || text.length === 0) return;
  output.pieces += 1;
  output.textBytes += Buffer.byteLength(text);
}

/** Counts the generated text of a decoded chunk: each choice's content, refusal, reasoning and tool-call arguments. */
export function countChunkText(output: StreamedOutput, chunk: ChatCompletionChunk): void {
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    countStreamedText(output, delta.content);
    countStreamedText(output, delta.refusal);
    if (delta.reasoning_details !== undefined) {
      for (const detail of delta.reasoning_details) countStreamedText(output, detail.type === 'reasoning.text' ? detail.text : detail.type === 'reasoning.summary' ? detail.summary : undefined);
    }
    if (delta.tool_calls !== undefined) for (const call of delta.tool_calls) countStreamedText(output, call.function?.arguments);
  }
}
