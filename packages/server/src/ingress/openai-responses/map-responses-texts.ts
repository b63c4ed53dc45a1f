import { mapEach, mapTextContent } from '../map-text-content.js';

type Item = { readonly type?: unknown; readonly content?: unknown; readonly output?: unknown; readonly [field: string]: unknown };

/** Content parts that carry text: what the client wrote, and the model's earlier answers. */
const textParts: ReadonlySet<unknown> = new Set(['input_text', 'output_text']);

/** An input item with its texts mapped: a message's content, a tool output's text; reasoning items and every other item as sent. */
function mapItem(item: Item, map: (text: string) => string): Item {
  const type = item?.type ?? 'message';
  if (type === 'message') {
    const content = mapTextContent(item.content, textParts, map);
    return content === item.content ? item : { ...item, content };
  }
  if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    const output = mapTextContent(item.output, textParts, map);
    return output === item.output ? item : { ...item, output };
  }
  return item;
}

/**
 * Maps the texts of a Responses API request — `instructions`, `input` (a string, or its messages'
 * text parts and tool outputs) — and nothing else: reasoning items keep their encrypted content,
 * every other field stays as sent. The same body when no text changed.
 */
export function mapResponsesTexts(body: unknown, map: (text: string) => string): unknown {
  const request = body as { readonly instructions?: unknown; readonly input?: unknown };
  const instructions = typeof request.instructions === 'string' ? map(request.instructions) : request.instructions;
  const input = typeof request.input === 'string' ? map(request.input) : Array.isArray(request.input) ? mapEach(request.input as Item[], (item) => mapItem(item, map)) : request.input;
  return instructions === request.instructions && input === request.input ? body : { ...request, instructions, input };
}
