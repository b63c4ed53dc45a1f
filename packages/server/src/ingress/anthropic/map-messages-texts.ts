import { mapEach, mapTextContent } from '../map-text-content.js';

type Block = { readonly type?: unknown; readonly content?: unknown; readonly [field: string]: unknown };
type Message = { readonly content?: unknown; readonly [field: string]: unknown };

const textBlocks: ReadonlySet<unknown> = new Set(['text']);

/** A message's blocks: text blocks mapped, and the texts of tool results; thinking, images, tool calls as sent. */
function mapBlocks(content: unknown, map: (text: string) => string): unknown {
  const mapped = mapTextContent(content, textBlocks, map);
  if (!Array.isArray(mapped)) return mapped;
  return mapEach(mapped as Block[], (block) => {
    if (block?.type !== 'tool_result') return block;
    const result = mapTextContent(block.content, textBlocks, map);
    return result === block.content ? block : { ...block, content: result };
  });
}

/**
 * Maps the texts of a Messages API request — `system`, each message's text blocks (or string), tool
 * results' texts — and nothing else: thinking blocks keep their signatures, `cache_control` marks
 * stay where they are. The same body when no text changed.
 */
export function mapMessagesTexts(body: unknown, map: (text: string) => string): unknown {
  const request = body as { readonly system?: unknown; readonly messages?: unknown };
  const system = mapTextContent(request.system, textBlocks, map);
  const messages = Array.isArray(request.messages)
    ? mapEach(request.messages as Message[], (message) => {
        const content = mapBlocks(message?.content, map);
        return content === message?.content ? message : { ...message, content };
      })
    : request.messages;
  return system === request.system && messages === request.messages ? body : { ...request, system, messages };
}
