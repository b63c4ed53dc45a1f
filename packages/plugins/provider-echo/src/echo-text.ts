import type { ChatCompletionRequest, ChatMessage } from '@tollgate/core';

/** Words of a text: what the echo provider counts as tokens. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The text of a message's content, whatever its shape. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (part.type === 'text' ? String(part.text) : '')).join(' ');
  return '';
}

/** The answer to a request: the prefix and the last user message, cut to the token limit. */
export function echoAnswer(request: ChatCompletionRequest, prefix: string): { text: string; truncated: boolean } {
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const words = `${prefix}${lastUser === undefined ? '(no user message)' : messageText(lastUser)}`.split(/(?<=\s)/);
  const limit = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  if (limit === undefined || limit === null) return { text: words.join(''), truncated: false };
  const kept: string[] = [];
  let tokens = 0;
  for (const word of words) {
    if (word.trim() !== '') tokens += 1;
    if (tokens > limit) return { text: kept.join(''), truncated: true };
    kept.push(word);
  }
  return { text: kept.join(''), truncated: false };
}
