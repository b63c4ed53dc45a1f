import { cacheMarkOf, hasCacheMark, lastCacheMark } from '../cache-mark-of.js';
import { GatewayError, claudeThinkingDetail, type BoundedWebSearches, type ChatCompletionRequest, type ClientBodyFacts, type ChatMessage, type ContentPart, type FunctionTool, type ReasoningDetail, type ToolChoice } from '@tollgate/core';
import { requiredFieldError } from '../required-field-error.js';
import { toolResultForChat, type ToolResultForChat } from '../tool-result-attachments.js';

/** Messages API fields an OpenAI-format target has no equivalent for: dropped when translating. */
export const untranslatedMessagesFields = ['service_tier', 'container', 'mcp_servers', 'context_management'] as const;

type Block = { type: string; [field: string]: any };

/**
 * Anthropic's `thinking` as OpenRouter's `reasoning` object, the one chat field that says it whole:
 * OpenRouter takes it as it is, every other provider translates it (Gemini's thinking budget, Claude's
 * thinking on Bedrock; an effort for OpenAI's models, when one is set). A budget is `max_tokens`,
 * adaptive thinking `enabled`, disabled `enabled: false`, thinking not displayed `exclude`.
 */
function reasoningOfThinking(thinking: { type?: unknown; budget_tokens?: unknown; display?: unknown } | undefined): { reasoning?: Record<string, unknown> } {
  const exclude = thinking?.display === 'omitted' ? { exclude: true } : {};
  if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number') return { reasoning: { max_tokens: thinking.budget_tokens, ...exclude } };
  if (thinking?.type === 'adaptive') return { reasoning: { enabled: true, ...exclude } };
  if (thinking?.type === 'disabled') return { reasoning: { enabled: false } };
  return {};
}

/** Anthropic's `output_config.effort` as OpenAI's `reasoning_effort` (which stops at high). */
function effortOf(effort: string): string {
  return effort === 'low' || effort === 'medium' ? effort : 'high';
}

function invalid(message: string, param: string): GatewayError {
  return new GatewayError('TOLLGATE_INVALID_REQUEST', message, { param });
}

function textOfBlocks(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter((block: Block) => block?.type === 'text').map((block: Block) => String(block.text)).join('');
}

/** A text block, or an image by base64 data or URL. */
function isTextOrImage(block: Block): boolean {
  return block?.type === 'text' || (block?.type === 'image' && (block.source?.type === 'base64' || block.source?.type === 'url'));
}

/**
 * A document a chat request can carry: a PDF by base64 data (a chat `file` part), plain text, or
 * content blocks of text and images. A PDF by URL or a file by id is Anthropic's to fetch.
 */
function isTranslatableDocument(block: Block): boolean {
  if (block?.type !== 'document') return false;
  const source = block.source;
  if (source?.type === 'base64') return source.media_type === 'application/pdf';
  if (source?.type === 'text') return typeof source.data === 'string';
  if (source?.type === 'content') return typeof source.content === 'string' || (Array.isArray(source.content) && source.content.every(isTextOrImage));
  return false;
}

/** A user content block a chat request can carry: text, an image by data or URL, a document by data or text. */
function isTranslatableBlock(block: Block): boolean {
  return isTextOrImage(block) || isTranslatableDocument(block);
}

/** The file name a PDF document goes by in a chat `file` part: its title, ending in `.pdf`. */
function pdfFileName(title: unknown): string {
  if (typeof title !== 'string' || title.trim() === '') return 'document.pdf';
  return /\.pdf$/i.test(title) ? title : `${title}.pdf`;
}

/**
 * A user content block as chat parts: text; an image as an `image_url`; a PDF document as a `file`
 * part with its data (titled by its file name), a text document as its text, a document of content
 * blocks as those blocks. Its `citations` and `context` have no chat equivalent. A block no chat model
 * takes (a document by URL, a search result, a file by id) is kept as it is — counted for a budget's
 * worst case, sent only as the client's bytes (see {@link untranslatableMessagesParts}).
 */
function toParts(block: Block): ContentPart[] {
  if (!isTranslatableBlock(block)) return [{ ...block }];
  if (block.type === 'text') return [{ type: 'text', text: String(block.text), ...cacheMarkOf(block) }];
  const source = block.source;
  if (block.type === 'image') return [{ type: 'image_url', image_url: { url: source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : String(source.url) }, ...cacheMarkOf(block) }];
  if (source.type === 'base64') return [{ type: 'file', file: { filename: pdfFileName(block.title), file_data: `data:application/pdf;base64,${source.data}` }, ...cacheMarkOf(block) }];
  if (source.type === 'text') return [{ type: 'text', text: String(source.data), ...cacheMarkOf(block) }];
  const inner: Block[] = typeof source.content === 'string' ? [{ type: 'text', text: source.content }] : source.content;
  const parts = inner.flatMap(toParts);
  const mark = cacheMarkOf(block);
  // The document's mark goes on its last part, where Claude would have cached up to.
  return mark.cache_control === undefined ? parts : [...parts.slice(0, -1), { ...parts.at(-1)!, ...mark }];
}

/** A tool result block for a chat model: its text, its images and documents attached (see {@link toolResultForChat}). */
function toolResultOf(block: Block): ToolResultForChat {
  const blocks: Block[] = Array.isArray(block.content) ? block.content : [];
  return toolResultForChat(String(block.tool_use_id), textOfBlocks(block.content), blocks.filter((inner) => inner?.type !== 'text').flatMap(toParts));
}

/**
 * Claude's thinking blocks of an assistant turn as `reasoning_details` (format `anthropic-claude-v1`):
 * a Claude target on another API (Bedrock) takes them back when thinking is on, as Claude requires.
 */
function reasoningDetailsOf(blocks: readonly Block[]): ReasoningDetail[] {
  const details: ReasoningDetail[] = [];
  for (const block of blocks) {
    const detail = claudeThinkingDetail(block, details.length);
    if (detail !== undefined) details.push(detail);
  }
  return details;
}

/** An Anthropic server tool (`web_search_20250305`, `code_execution_…`): run by Anthropic, not by the client. */
function isServerTool(tool: Block): boolean {
  return tool?.type !== undefined && tool.type !== 'custom';
}

/**
 * What in a Messages request only Anthropic can run or read — a server tool (web search, web fetch,
 * code execution), a user content block, or a block of a tool result, other than text, images by data
 * or URL and documents by data or text (a document by URL, a search result, a file by id) — as the
 * 400 to answer when the request cannot reach an Anthropic model as it was sent; undefined when
 * everything translates.
 */
function untranslatableMessagesParts(body: unknown): GatewayError | undefined {
  const { tools, messages } = (body ?? {}) as { tools?: unknown; messages?: unknown };
  const index = Array.isArray(tools) ? tools.findIndex((tool: Block) => isServerTool(tool)) : -1;
  if (index !== -1) {
    const tool = (tools as Block[])[index]!;
    return invalid(`Tool "${String(tool.name)}" is an Anthropic server tool (${String(tool.type)}), which only an Anthropic model can run, sent the request as it came. Route the request to an Anthropic model (without target params, or a hook that rewrites the request), or drop the tool.`, `tools[${index}]`);
  }
  for (const [messageIndex, message] of (Array.isArray(messages) ? messages : []).entries()) {
    if (message?.role !== 'user' || !Array.isArray(message.content)) continue;
    for (const [blockIndex, block] of (message.content as Block[]).entries()) {
      const inner = block?.type === 'tool_result' && Array.isArray(block.content) ? (block.content as Block[]).findIndex((part) => !isTranslatableBlock(part)) : -1;
      if (block?.type === 'tool_result' ? inner === -1 : isTranslatableBlock(block)) continue;
      const untranslatable = inner === -1 ? block : block.content[inner];
      const param = `messages[${messageIndex}].content[${blockIndex}]${inner === -1 ? '' : `.content[${inner}]`}`;
      return invalid(`Content block type "${String(untranslatable?.type)}"${untranslatable?.type === 'document' ? ` with a ${String(untranslatable.source?.type)} source` : ''} only an Anthropic model can take, sent the request as it came (text, images by data or URL, PDF and text documents by data, tool_use and tool_result translate). Route the request to an Anthropic model, or send the content inline.`, param);
    }
  }
  return undefined;
}

/** Whether a Messages tool is a web search server tool (`web_search_20250305` and later versions). */
const isWebSearchTool = (tool: Block | undefined): boolean => typeof tool?.type === 'string' && tool.type.startsWith('web_search_');

/** Whether a web search tool bounds its searches (`max_uses`). */
const hasMaxUses = (tool: Block): boolean => typeof tool.max_uses === 'number' && tool.max_uses >= 0;

/**
 * The most web searches Anthropic may run for a Messages request: the `max_uses` of its web search
 * server tools (`web_search_20250305` and later versions), `Infinity` when one sets none, 0 without one.
 */
function messagesWebSearchLimit(body: unknown): number {
  const { tools } = (body ?? {}) as { tools?: unknown };
  if (!Array.isArray(tools)) return 0;
  let limit = 0;
  for (const tool of tools as Block[]) {
    if (isWebSearchTool(tool)) limit += hasMaxUses(tool) ? (tool.max_uses as number) : Infinity;
  }
  return limit;
}

/**
 * A Messages request's web search tools bounded: `max_uses: limit` on each that sets none (the rest of
 * `tools` as sent), so Anthropic runs, and bills, no more searches than a budget held for.
 */
export function boundMessagesWebSearches(body: unknown, limit: number): BoundedWebSearches | undefined {
  const { tools } = (body ?? {}) as { tools?: unknown };
  if (!Array.isArray(tools)) return undefined;
  const bounded = (tools as Block[]).map((tool) => (isWebSearchTool(tool) && !hasMaxUses(tool) ? { ...tool, max_uses: limit } : tool));
  return { fields: { tools: bounded }, webSearchLimit: messagesWebSearchLimit({ tools: bounded }) };
}

/**
 * Canonical fields a hook adds (a budget's `max_tokens`) or a target's params set, as the Messages API
 * names them, for setting in a Messages client's bytes: `max_tokens` (`max_completion_tokens` too),
 * `stop` as `stop_sequences`, `reasoning_effort` as `output_config.effort` (in the client's own
 * `output_config`), `thinking` and `speed` (fast mode), which both share, and `cache_control` (automatic
 * prompt caching: the last block marked, unless the client placed marks); undefined when one has no
 * Messages name (the request is then translated).
 */
export function encodeMessagesFields(fields: Readonly<Record<string, unknown>>, clientBody?: unknown): Record<string, unknown> | undefined {
  const encoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'max_tokens' || name === 'max_completion_tokens') encoded.max_tokens = value;
    else if (name === 'stop') encoded.stop_sequences = typeof value === 'string' ? [value] : value;
    else if (name === 'thinking' || name === 'speed') encoded[name] = value;
    else if (name === 'reasoning_effort' && typeof value === 'string' && value in messagesEfforts) {
      // Set inside the client's own output_config, whatever else it holds (its output format).
      const own = (clientBody as { output_config?: unknown } | undefined)?.output_config;
      encoded.output_config = { ...(typeof own === 'object' && own !== null ? own : {}), effort: messagesEfforts[value as keyof typeof messagesEfforts] };
    } else if (name === 'cache_control') {
      // Automatic caching (a target's `params`): the conversation's last block marked, unless the
      // client placed marks itself (Claude Code does), which are kept as they are. On the block, not
      // the request's top level, which Bedrock's InvokeModel refuses.
      const messages = (clientBody as { messages?: unknown } | undefined)?.messages;
      if (!hasCacheMarks(clientBody) && Array.isArray(messages)) encoded.messages = withLastBlockMarked(messages as Block[], value);
    } else return undefined;
  }
  return encoded;
}

/** A Messages conversation with a cache mark on its last block (a string content as one text block); the rest as it is. */
function withLastBlockMarked(messages: readonly Block[], mark: unknown): Block[] {
  const last = messages.at(-1);
  if (last === undefined) return [...messages];
  const blocks: Block[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : Array.isArray(last.content) ? [...last.content] : [];
  const index = blocks.findLastIndex((block) => block.type !== 'thinking' && block.type !== 'redacted_thinking');
  if (index === -1) return [...messages];
  blocks[index] = { ...blocks[index]!, cache_control: mark };
  return [...messages.slice(0, -1), { ...last, content: blocks }];
}

/** Whether a Messages body carries a cache mark anywhere: on the request, a system, message or tool result block, or a tool. */
function hasCacheMarks(body: unknown): boolean {
  const { cache_control: own, system, messages, tools } = (body ?? {}) as { cache_control?: unknown; system?: unknown; messages?: unknown; tools?: unknown };
  if (own !== undefined || lastCacheMark(system).cache_control !== undefined || lastCacheMark(tools).cache_control !== undefined) return true;
  if (!Array.isArray(messages)) return false;
  for (const message of messages as { content?: unknown }[]) {
    if (!Array.isArray(message?.content)) continue;
    for (const block of message.content as Block[]) if (hasCacheMark(block) || lastCacheMark(block?.content).cache_control !== undefined) return true;
  }
  return false;
}

/** A chat request's `reasoning_effort` as the Messages API's `output_config.effort`. */
const messagesEfforts = { minimal: 'low', low: 'low', medium: 'medium', high: 'high' } as const;

/** What only the bytes of a Messages request carry: what only Anthropic runs or reads, the web searches it may bill, and its fast mode. */
export function inspectMessagesBody(body: unknown): ClientBodyFacts {
  const thinking = (body as { thinking?: { type?: unknown } } | null)?.thinking;
  const needsUpstreamAnswer = thinking != null && thinking.type !== 'disabled' ? 'thinking' : undefined;
  // Claude's fast mode: the canonical request has no field for it, and only Anthropic's API takes it.
  const serviceTier = (body as { speed?: unknown } | null)?.speed === 'fast' ? 'fast' : undefined;
  return { untranslatable: untranslatableMessagesParts(body), webSearchLimit: messagesWebSearchLimit(body), needsUpstreamAnswer, serviceTier };
}

/**
 * Translates a Messages API request (from an Anthropic client) to the canonical OpenAI request:
 * `system` to a system message, `tool_result` blocks to `tool` messages, `tool_use` blocks to
 * assistant `tool_calls`, images to `image_url` parts, PDF documents to `file` parts (text documents
 * to text), a tool result's images and documents to the user message after the tool messages (chat
 * tool messages carry text only), tools and `tool_choice`, `stop_sequences` to
 * `stop`, `output_config` (format and effort) to `response_format` and `reasoning_effort`, `thinking`
 * to OpenRouter's `reasoning` ({@link reasoningOfThinking}), and usage
 * always requested on streams. Thinking blocks in history become the assistant message's
 * `reasoning_details` (a Claude target elsewhere takes them back; `dropParams` leaves them out for
 * OpenAI); cache marks go where OpenRouter's chat completions take them (`cacheMarkOf`); server
 * tools are left out ({@link untranslatableMessagesParts}).
 */
export function convertMessagesRequest(body: Record<string, any>): ChatCompletionRequest {
  if (typeof body.model !== 'string' || body.model === '') throw requiredFieldError('model', body.model, 'a model name');
  if (typeof body.max_tokens !== 'number') throw requiredFieldError('max_tokens', body.max_tokens, 'a number');
  if (!Array.isArray(body.messages)) throw requiredFieldError('messages', body.messages, 'an array of messages');
  const messages: ChatMessage[] = [];
  const system = typeof body.system === 'string' ? body.system : textOfBlocks(body.system);
  // A system prompt with a cache mark keeps its blocks (as text parts), so the mark stays where it was.
  const markedSystem = Array.isArray(body.system) && lastCacheMark(body.system).cache_control !== undefined;
  if (markedSystem) messages.push({ role: 'system', content: (body.system as Block[]).filter((block) => block?.type === 'text').map((block) => ({ type: 'text', text: String(block.text), ...cacheMarkOf(block) })) });
  else if (system !== '') messages.push({ role: 'system', content: system });
  body.messages.forEach((message: { role?: unknown; content?: unknown }, index: number) => {
    const param = `messages[${index}]`;
    const blocks: Block[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : Array.isArray(message.content) ? (message.content as Block[]) : [];
    if (message.role === 'user') {
      const parts: ContentPart[] = [];
      const attachments: ContentPart[] = [];
      for (const block of blocks) {
        if (block.type === 'tool_result') {
          const result = toolResultOf(block);
          messages.push({ role: 'tool', tool_call_id: String(block.tool_use_id), content: result.text, ...cacheMarkOf(block), ...(block.cache_control === undefined ? lastCacheMark(block.content) : {}) } as ChatMessage);
          attachments.push(...result.attachments);
        } else parts.push(...toParts(block));
      }
      // The tool results' attachments first, right after the tool messages they belong to.
      parts.unshift(...attachments);
      if (parts.length > 0) {
        const onlyText = parts.every((part) => part.type === 'text' && !hasCacheMark(part));
        messages.push({ role: 'user', content: onlyText ? parts.map((part) => (part as { text: string }).text).join('') : parts });
      }
    } else if (message.role === 'assistant') {
      const text = blocks.filter((block) => block.type === 'text').map((block) => String(block.text)).join('');
      const toolCalls = blocks
        .filter((block) => block.type === 'tool_use')
        .map((block) => ({ id: String(block.id), type: 'function' as const, function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } }));
      const reasoning = reasoningDetailsOf(blocks);
      // A mark on any of its blocks marks the turn (its last block, once translated; thinking blocks take none).
      const marked = lastCacheMark(blocks);
      messages.push({ role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}), ...(reasoning.length > 0 ? { reasoning_details: reasoning } : {}), ...marked } as ChatMessage);
    } else {
      throw invalid(`messages[${index}].role must be "user" or "assistant".`, `${param}.role`);
    }
  });

  // Server tools (web search, code execution) have no chat equivalent: see untranslatableMessagesParts.
  const tools: FunctionTool[] | undefined = Array.isArray(body.tools)
    ? body.tools
        .filter((tool: Block) => !isServerTool(tool))
        .map((tool: Block) => ({ type: 'function', function: { name: String(tool.name), ...(tool.description === undefined ? {} : { description: String(tool.description) }), parameters: tool.input_schema ?? { type: 'object' } }, ...cacheMarkOf(tool) }))
    : undefined;
  let toolChoice: ToolChoice | undefined;
  const choice = body.tool_choice as Block | undefined;
  if (choice?.type === 'auto') toolChoice = 'auto';
  else if (choice?.type === 'any') toolChoice = 'required';
  else if (choice?.type === 'none') toolChoice = 'none';
  else if (choice?.type === 'tool') toolChoice = { type: 'function', function: { name: String(choice.name) } };

  const request: Record<string, unknown> = {
    model: body.model,
    messages,
    max_tokens: body.max_tokens,
    ...(body.stream === true ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(Array.isArray(body.stop_sequences) ? { stop: body.stop_sequences } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...(typeof body.top_k === 'number' ? { top_k: body.top_k } : {}),
    ...(typeof body.metadata?.user_id === 'string' ? { user: body.metadata.user_id } : {}),
    // A tool choice means nothing without tools (Claude takes one; OpenAI's API and vLLM refuse it).
    ...(tools === undefined || tools.length === 0 ? {} : { tools, ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }), ...(choice?.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {}) }),
    ...(body.output_config?.format?.type === 'json_schema' ? { response_format: { type: 'json_schema', json_schema: { name: 'output', schema: body.output_config.format.schema } } } : {}),
    ...(typeof body.output_config?.effort === 'string' ? { reasoning_effort: effortOf(body.output_config.effort) } : {}),
    ...reasoningOfThinking(body.thinking),
    ...cacheMarkOf(body),
  };
  return request as unknown as ChatCompletionRequest;
}
