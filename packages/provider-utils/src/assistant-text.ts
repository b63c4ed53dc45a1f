import type { AssistantMessage } from '@tollgate/core';
import { textOfContent } from './text-of-content.js';

/**
 * What an earlier answer said, for a wire that takes an assistant turn as text: its text parts, a
 * `refusal` part's refusal, or, with neither, the message's `refusal` (a model that declined: the
 * next model should know it did, not see the turn vanish).
 */
export function assistantText(message: AssistantMessage): string {
  const content = message.content;
  const text = Array.isArray(content)
    ? (content as readonly { type: string; text?: unknown; refusal?: unknown }[]).map((part) => (part.type === 'refusal' ? String(part.refusal) : part.type === 'text' ? String(part.text) : '')).join('')
    : textOfContent(content as string | null | undefined);
  return text === '' && typeof message.refusal === 'string' ? message.refusal : text;
}
