import { GatewayError, type ChatCompletionRequest, type ChatMessage, type ContentPart } from '@tollgate/core';
import { anthropicToolCallIds, askedReasoning, leastClaudeThinkingBudget, assistantText, cacheControlOf, fittedToolCallId, openingUserText, toolLoopWithoutClaudeThinking, type AskedReasoning, claudeReasoningBlocks, parseDataUrl, parseToolArguments, partsCacheControl, stopSequencesOf, textOfContent, type AnthropicContentBlock, type AnthropicMessage, type AnthropicRequest, type CacheControl } from '@tollgate/provider-utils';

/**
 * OpenAI request fields with no Messages API equivalent. They are dropped (the provider logs each
 * once at debug level); docs and the README list them. The current Messages API (SDK 1.13) takes no
 * sampling parameters: `temperature` and `top_p` are among them.
 */
export const untranslatedOpenAIFields = [
  'temperature',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'modalities',
  'audio',
  'prediction',
  'store',
  'service_tier',
  'metadata',
  'web_search_options',
  'stream_options',
] as const;

/** A `thinking` setting in the Messages API's shape: `enabled` with its `budget_tokens`, `adaptive` or `disabled`. */
function isThinkingSetting(value: unknown): value is NonNullable<AnthropicRequest['thinking']> {
  const setting = value as { type?: unknown; budget_tokens?: unknown } | null | undefined;
  return (setting?.type === 'enabled' && typeof setting.budget_tokens === 'number') || setting?.type === 'adaptive' || setting?.type === 'disabled';
}

/** An effort (`reasoning_effort`, OpenRouter's `reasoning.effort`) as Anthropic's `output_config.effort`. */
const efforts = { minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh' } as const;

/**
 * The thinking a request asks for, as the Messages API's `thinking`: Anthropic's own setting as it
 * came (LiteLLM's chat clients send it); else reasoning turned off as `disabled`, and a budget
 * (OpenRouter's `reasoning.max_tokens`, which the Messages ingress carries a Claude Code turn's in) as
 * `enabled` with its `budget_tokens` (1,024 at least), shown as summarized unless OpenRouter's
 * `exclude` asked to leave it out (`display: "omitted"`: signed, not shown). Undefined when the
 * request sets no thinking.
 */
function thinkingOf(request: ChatCompletionRequest, asked: AskedReasoning | undefined): AnthropicRequest['thinking'] {
  const own = request.thinking;
  if (isThinkingSetting(own)) return own;
  if (asked === undefined) return undefined;
  if (asked.off) return { type: 'disabled' };
  if (asked.budgetTokens === undefined) return undefined;
  // Claude's least budget, as OpenRouter raises a smaller one to it.
  return { type: 'enabled', budget_tokens: Math.max(asked.budgetTokens, leastClaudeThinkingBudget), ...(asked.shown ? {} : { display: 'omitted' as const }) };
}

/** `block` with the cache mark, when there is one. */
function marked<T extends AnthropicContentBlock>(block: T, cacheControl: CacheControl | undefined): T {
  return cacheControl === undefined ? block : { ...block, cache_control: cacheControl };
}

/** Sets a cache mark on the last of `blocks` that can take one (a mark on a whole message, or the request's; thinking blocks take none), in place. */
function markLast(blocks: AnthropicContentBlock[], cacheControl: CacheControl | undefined): void {
  if (cacheControl === undefined) return;
  const index = blocks.findLastIndex((block) => block.type !== 'thinking' && block.type !== 'redacted_thinking');
  if (index !== -1) blocks[index] = marked(blocks[index]!, cacheControl);
}

/** Anthropic takes at most this many cache marks in a request. */
const maxCacheMarks = 4;

/** The cache marks already placed in a request's system prompt, turns and tools. */
function countCacheMarks(system: readonly AnthropicContentBlock[], turns: readonly AnthropicMessage[], tools: readonly { cache_control?: unknown }[]): number {
  let count = 0;
  const countBlocks = (blocks: readonly AnthropicContentBlock[]) => {
    for (const block of blocks) if ((block as { cache_control?: unknown }).cache_control !== undefined) count += 1;
  };
  countBlocks(system);
  for (const turn of turns) if (typeof turn.content !== 'string') countBlocks(turn.content);
  for (const tool of tools) if (tool.cache_control !== undefined) count += 1;
  return count;
}

function convertPart(part: ContentPart, index: number, path: string): AnthropicContentBlock {
  if (part.type === 'text') return marked({ type: 'text', text: String((part as { text: unknown }).text) }, cacheControlOf(part));
  if (part.type === 'image_url') {
    const url = String((part as { image_url: { url: string } }).image_url.url);
    const inline = parseDataUrl(url);
    if (inline !== undefined) return marked({ type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } }, cacheControlOf(part));
    return marked({ type: 'image', source: { type: 'url', url } }, cacheControlOf(part));
  }
  if (part.type === 'file') return marked(documentOf(part.file, `${path}.content[${index}]`), cacheControlOf(part));
  throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Content part type "${part.type}" cannot be sent to an Anthropic model (text, image_url and file with file_data can).`, { param: `${path}.content[${index}]` });
}

/**
 * A tool message's content as a tool result's: its text, or, when it holds images or files (which
 * OpenRouter's chat clients send there), text, image and document blocks, as Claude takes them in a
 * tool result. The message's cache mark goes on the tool result, not on its blocks.
 */
function toolResultContent(content: ChatMessage['content'], path: string): string | AnthropicContentBlock[] {
  if (typeof content === 'string' || content == null || content.every((part) => part.type === 'text')) return textOfContent(content);
  return content.map((part, index) => {
    const { cache_control: _mark, ...block } = convertPart(part, index, path) as AnthropicContentBlock & { cache_control?: unknown };
    return block as AnthropicContentBlock;
  });
}

/**
 * A chat `file` part's `file` as a Messages API document, titled by its file name: a PDF by its base64 data,
 * a text file (`text/plain`, as Claude takes plain text documents) by its text. A file by `file_id`
 * is in OpenAI's storage, which Anthropic cannot read.
 */
function documentOf(filePart: unknown, param: string): AnthropicContentBlock {
  const file = filePart as { file_data?: unknown; file_id?: unknown; filename?: unknown } | undefined;
  const inline = typeof file?.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
  const title = typeof file?.filename === 'string' && file.filename !== '' ? { title: file.filename } : {};
  if (inline?.mediaType === 'application/pdf') return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: inline.data }, ...title };
  if (inline?.mediaType === 'text/plain') return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(inline.data, 'base64').toString('utf8') }, ...title };
  if (inline !== undefined) throw new GatewayError('TOLLGATE_INVALID_REQUEST', `A file of type "${inline.mediaType}" cannot be sent to an Anthropic model (PDF and plain text can).`, { param });
  if (file?.file_id !== undefined) throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'A file by `file_id` is in OpenAI\'s storage, which an Anthropic model cannot read; send the file inline (`file_data` as a data: URL).', { param });
  throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'A file part needs `file_data` as a base64 data: URL (data:application/pdf;base64,…).', { param });
}

/** Claude's signed and redacted thinking from a message's `reasoning_details`, as Messages API blocks. */
function thinkingBlocksOf(details: unknown): AnthropicContentBlock[] {
  return claudeReasoningBlocks(details).map((block) => (block.kind === 'thinking' ? { type: 'thinking', thinking: block.text, signature: block.signature } : { type: 'redacted_thinking', data: block.data }));
}

/**
 * `blocks` without text blocks of no text or only whitespace, which Claude refuses ("text content
 * blocks must be non-empty"): what OpenAI's API takes — an empty user message, an empty part, an
 * assistant turn of blank lines — goes without them.
 */
function withoutBlankText(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  return blocks.some(isBlankText) ? blocks.filter((block) => !isBlankText(block)) : blocks;
}

function isBlankText(block: AnthropicContentBlock): boolean {
  return block.type === 'text' && (block as { text: string }).text.trim() === '';
}

/**
 * Appends blocks to the conversation, merging into the previous turn when it has the same role; a
 * message left with no blocks is left out (Claude refuses an empty one), its neighbours merged.
 */
function push(messages: AnthropicMessage[], role: 'user' | 'assistant', blocks: AnthropicContentBlock[]): void {
  if (blocks.length === 0) return;
  const previous = messages.at(-1);
  if (previous !== undefined && previous.role === role) {
    const existing = typeof previous.content === 'string' ? [{ type: 'text', text: previous.content } as AnthropicContentBlock] : previous.content;
    previous.content = [...existing, ...blocks];
    return;
  }
  const onlyText = blocks.length === 1 && blocks[0]!.type === 'text' && Object.keys(blocks[0]!).length === 2;
  messages.push({ role, content: onlyText ? (blocks[0] as { text: string }).text : blocks });
}

/** The system and developer messages: each one's text, and their blocks (a part each) with their cache marks. */
interface SystemPrompt {
  readonly texts: string[];
  readonly blocks: AnthropicContentBlock[];
}

/**
 * The conversation as Messages API turns; Claude's earlier thinking goes back only with thinking on
 * (`withThinking`), as Claude requires it then. Cache marks go on the blocks they were set on: a
 * content part's on its block, a whole message's on its last block, a text or tool result's parts'
 * on the one block their text becomes (OpenRouter moves them there too).
 */
function convertMessages(messages: readonly ChatMessage[], withThinking: boolean): { system: SystemPrompt; turns: AnthropicMessage[] } {
  const system: SystemPrompt = { texts: [], blocks: [] };
  const turns: AnthropicMessage[] = [];
  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const blocks = withoutBlankText(typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content.map((part) => marked({ type: 'text', text: String(part.text) }, cacheControlOf(part))));
        if (blocks.length === 0) return;
        markLast(blocks, cacheControlOf(message));
        system.texts.push(textOfContent(message.content));
        system.blocks.push(...blocks);
        return;
      }
      case 'user': {
        const blocks = withoutBlankText(typeof message.content === 'string' ? [{ type: 'text', text: message.content } as AnthropicContentBlock] : message.content.map((part, partIndex) => convertPart(part, partIndex, path)));
        markLast(blocks, cacheControlOf(message));
        push(turns, 'user', blocks);
        return;
      }
      case 'assistant': {
        const blocks: AnthropicContentBlock[] = withThinking ? thinkingBlocksOf(message.reasoning_details) : [];
        const text = assistantText(message);
        if (text.trim() !== '') blocks.push(marked({ type: 'text', text }, partsCacheControl(message.content)));
        message.tool_calls?.forEach((call, callIndex) => {
          blocks.push({ type: 'tool_use', id: fittedToolCallId(call.id, anthropicToolCallIds), name: call.function.name, input: parseToolArguments(call.function.arguments, `${path}.tool_calls[${callIndex}].function.arguments`) });
        });
        markLast(blocks, cacheControlOf(message));
        push(turns, 'assistant', blocks);
        return;
      }
      case 'tool':
        // Consecutive tool results (and a user message after them) merge into one user turn.
        push(turns, 'user', [marked({ type: 'tool_result', tool_use_id: fittedToolCallId(message.tool_call_id, anthropicToolCallIds), content: toolResultContent(message.content, path) }, cacheControlOf(message) ?? partsCacheControl(message.content))]);
        return;
      default:
        throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Messages with role "${(message as { role: string }).role}" cannot be sent to an Anthropic model.`, { param: `${path}.role` });
    }
  });
  // Claude takes a conversation only from a user turn: one before a conversation the assistant began.
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', content: openingUserText });
  return { system, turns };
}

/** Options of the translation that come from the provider's config. */
export interface ConvertToAnthropicOptions {
  readonly model: string;
  readonly defaultMaxTokens: number;
}

/**
 * Translates an OpenAI chat completions request to a Messages API request: system and developer
 * messages to `system`, `max_tokens` always set, `stop` to `stop_sequences`, tools and `tool_choice`,
 * assistant `tool_calls` to `tool_use` blocks (after Claude's signed thinking, from the message's
 * `reasoning_details`), `tool` messages to `tool_result` blocks (consecutive ones merged into one user
 * turn), `thinking` and `speed` (fast mode) as they are, OpenRouter's `reasoning` as thinking
 * ({@link thinkingOf}; off with a forced tool, and for a step of a tool loop another model made, which
 * Claude would refuse with it on), images (https and base64 data URLs), `response_format` as native structured
 * output (`output_config.format`) and an effort (`reasoning_effort`, `reasoning.effort`) as `output_config.effort`.
 */
export function convertToAnthropicRequest(request: ChatCompletionRequest, options: ConvertToAnthropicOptions): AnthropicRequest {
  if (request.n !== undefined && request.n !== null && request.n > 1) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'Anthropic models answer one choice per request; send n: 1 (or leave n out).', { param: 'n' });
  }
  const asked = askedReasoning(request);
  const asks = thinkingOf(request, asked);
  // Claude refuses manual thinking with a forced tool (tool_choice required, or one named), and with a
  // step of the tool loop another model made (it keeps one setting per turn): thinking off for them.
  const forcesTool = request.tool_choice === 'required' || typeof request.tool_choice === 'object';
  const thinkingOn = asks?.type === 'enabled' || asks?.type === 'adaptive';
  const refusedWithThinking = (asks?.type === 'enabled' && forcesTool) || (thinkingOn && toolLoopWithoutClaudeThinking(request.messages));
  const thinking = refusedWithThinking ? { type: 'disabled' as const } : asks;
  const withThinking = thinking !== undefined && thinking.type !== 'disabled';
  const { system, turns } = convertMessages(request.messages, withThinking);
  // Claude's max_tokens must exceed a thinking budget: a request that set none gets the default past the budget.
  const budget = thinking?.type === 'enabled' ? thinking.budget_tokens : 0;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? (budget >= options.defaultMaxTokens ? budget + options.defaultMaxTokens : options.defaultMaxTokens);
  const body: AnthropicRequest = { model: options.model, max_tokens: maxTokens, messages: turns };
  // The system prompt as one string, unless a part of it is marked for the cache: then as its blocks.
  if (system.texts.length > 0) {
    body.system = system.blocks.some((block) => (block as { cache_control?: unknown }).cache_control !== undefined) ? (system.blocks as { type: 'text'; text: string }[]) : system.texts.join('\n\n');
  }
  if (request.stop !== undefined && request.stop !== null) body.stop_sequences = stopSequencesOf(request.stop);
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.stream === true) body.stream = true;
  if (thinking !== undefined) body.thinking = thinking;
  // Claude's fast mode, as the Messages API takes it (a chat client's field, or a target's params).
  const speed = (request as { speed?: unknown }).speed;
  if (speed === 'fast' || speed === 'standard') body.speed = speed;

  const tools = (request.tools ?? []).map((tool) => {
    const cacheControl = cacheControlOf(tool);
    return {
      name: tool.function.name,
      ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
      ...(cacheControl === undefined ? {} : { cache_control: cacheControl }),
    };
  });
  let toolChoice: AnthropicRequest['tool_choice'];
  const choice = request.tool_choice;
  if (choice === 'auto') toolChoice = { type: 'auto' };
  else if (choice === 'none') toolChoice = { type: 'none' };
  else if (choice === 'required') toolChoice = { type: 'any' };
  else if (typeof choice === 'object') toolChoice = { type: 'tool', name: choice.function.name };

  const outputConfig: Record<string, unknown> = {};
  const format = request.response_format;
  if (format !== undefined && format.type !== 'text') {
    outputConfig.format = { type: 'json_schema', schema: format.type === 'json_schema' ? (format.json_schema.schema ?? { type: 'object' }) : { type: 'object' } };
  }
  if (asked?.effort !== undefined) outputConfig.effort = efforts[asked.effort];
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;
  if (tools.length > 0) body.tools = tools;
  // The request's own mark (OpenRouter's automatic caching, a target's params): on the conversation's
  // last block, unless the client's own marks already use all Anthropic takes.
  const requestCacheControl = cacheControlOf(request);
  const last = turns.at(-1);
  if (requestCacheControl !== undefined && last !== undefined && countCacheMarks(system.blocks, turns, tools) < maxCacheMarks) {
    const blocks = typeof last.content === 'string' ? [{ type: 'text', text: last.content } as AnthropicContentBlock] : last.content;
    markLast(blocks, requestCacheControl);
    last.content = blocks;
  }
  if (request.parallel_tool_calls === false) toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  if (toolChoice !== undefined && (tools.length > 0 || toolChoice.type === 'none')) body.tool_choice = toolChoice;

  return body;
}
