import { upstreamFormats, type ReasoningDetail } from '@tollgate/core';

/** One of Claude's reasoning blocks to send back: signed thinking, or redacted (encrypted) thinking. */
export type ClaudeReasoningBlock = { readonly kind: 'thinking'; readonly text: string; readonly signature: string } | { readonly kind: 'redacted'; readonly data: string };

/**
 * Claude's own reasoning blocks from an earlier answer's `reasoning_details` (format
 * `anthropic-claude-v1`), as a chat client sends them back — whole, or as the pieces a stream gave
 * (joined by `index`), in order. A block without a signature is left out: Claude takes back only what
 * it signed (on Anthropic's API and on Bedrock alike).
 */
export function claudeReasoningBlocks(details: unknown): ClaudeReasoningBlock[] {
  if (!Array.isArray(details)) return [];
  const blocks = new Map<number, { text: string; signature: string; data: string | undefined }>();
  for (const [position, detail] of (details as ReasoningDetail[]).entries()) {
    if (detail?.format !== upstreamFormats.anthropic) continue;
    const index = typeof detail.index === 'number' ? detail.index : -1 - position;
    const block = blocks.get(index) ?? { text: '', signature: '', data: undefined };
    blocks.set(index, block);
    if (detail.type === 'reasoning.text') {
      block.text += detail.text ?? '';
      if (detail.signature) block.signature = detail.signature;
    } else if (detail.type === 'reasoning.encrypted') {
      block.data = detail.data;
    }
  }
  const out: ClaudeReasoningBlock[] = [];
  for (const block of blocks.values()) {
    if (block.data !== undefined) out.push({ kind: 'redacted', data: block.data });
    else if (block.signature !== '') out.push({ kind: 'thinking', text: block.text, signature: block.signature });
  }
  return out;
}
