import type { ContentPart } from '@tollgate/core';

/** A tool result as a chat tool message's text, and what goes in the user message after the run of tool messages. */
export interface ToolResultForChat {
  readonly text: string;
  readonly attachments: ContentPart[];
}

/**
 * A tool result whose content holds images or documents, for a chat model: a chat tool message carries
 * text only (OpenAI takes images in user messages only), so `attached` goes in the user message after
 * the turn's tool messages, introduced by a line naming the call; a tool message with no text says its
 * result is attached. Without attachments, the text alone.
 */
export function toolResultForChat(callId: string, text: string, attached: readonly ContentPart[]): ToolResultForChat {
  if (attached.length === 0) return { text, attachments: [] };
  return {
    text: text === '' ? '(The result of this call is attached in the next message.)' : text,
    attachments: [{ type: 'text', text: `Attached to the result of tool call ${callId}:` }, ...attached],
  };
}
