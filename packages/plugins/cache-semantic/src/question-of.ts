import type { ChatCompletionRequest, GatewayContext } from '@tollgate/core';

/** A chat request's last question and the request around it (the question's text left out). */
export interface Question {
  readonly text: string;
  readonly rest: Readonly<Record<string, unknown>>;
}

/**
 * The question a chat request ends with: the text of its last message when that is the user's, all
 * text (a string, or text parts only); undefined otherwise (an image, a tool's result, embeddings or
 * rerank), which only an exact repeat may answer. `rest` is the request with that text emptied: what
 * must match exactly for the answer to fit (the model, the system prompt, the history, the parameters).
 */
export function questionOf(context: GatewayContext): Question | undefined {
  if (context.operation !== 'chat') return undefined;
  const request = context.request as ChatCompletionRequest;
  const messages = request.messages;
  const last = messages.at(-1);
  if (last?.role !== 'user') return undefined;
  let text: string;
  if (typeof last.content === 'string') text = last.content;
  else if (Array.isArray(last.content) && last.content.every((part) => part.type === 'text')) text = last.content.map((part) => (part as { text: string }).text).join('\n');
  else return undefined;
  if (text.trim() === '') return undefined;
  return { text, rest: { ...request, messages: [...messages.slice(0, -1), { ...last, content: '' }] } };
}
