import { GatewayError, type ChatCompletionRequest, type ChatMessage, type ContentPart } from '@tollgate/core';
import { askedReasoning, assistantText, bedrockToolCallIds, cacheControlOf, claudeThinkingBudgetWithin, fittedToolCallId, openingUserText, toolLoopWithoutClaudeThinking, claudeReasoningBlocks, parseDataUrl, parseJsonObject, parseToolArguments, partsCacheControl, stopSequencesOf, textOfContent, type CacheControl } from '@tollgate/provider-utils';
import type { BedrockCachePoint, BedrockContentBlock, BedrockMessage, BedrockRequest, BedrockTool, BedrockToolResultBlock } from './bedrock-content.js';
import { claudeSampling } from './claude-sampling.js';
import { jsonResponseToolName } from './json-response-tool.js';

/**
 * OpenAI request fields with no Converse equivalent. They are dropped (the provider logs each once at
 * debug level); the README lists them.
 */
export const untranslatedOpenAIFields = ['frequency_penalty', 'presence_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'seed', 'user', 'metadata', 'store', 'service_tier', 'modalities', 'audio', 'prediction', 'web_search_options', 'parallel_tool_calls', 'stream_options'] as const;

/** An effort as an Anthropic thinking budget (tokens), for Claude models on Bedrock. */
const thinkingBudgets = { minimal: 1024, low: 2048, medium: 8192, high: 24576, xhigh: 32768 } as const;

/** The output a request with a thinking budget and no limit of its own may give past the budget. */
const answerTokensPastThinking = 4_096;

/**
 * The thinking budget a request asks of a Claude model on Bedrock: its budget of reasoning tokens
 * (OpenRouter's `reasoning.max_tokens`, Anthropic's `thinking.budget_tokens`, a Claude Code turn's
 * through the Messages ingress), else its effort's — half the request's `max_tokens` when that does not
 * hold it, as Claude takes a budget only under it; undefined for another model, reasoning off, a limit
 * too small for any budget, a forced tool (a `response_format`'s too), or a step of a tool loop another
 * model made (Claude would refuse those with thinking on).
 */
function claudeThinkingBudget(request: ChatCompletionRequest, model: string): number | undefined {
  if (!/(^|\.)anthropic\./.test(model)) return undefined;
  const asked = askedReasoning(request);
  // Claude refuses thinking with a forced tool (tool_choice required or named; the JSON answer tool of
  // a response_format) and with a step of the tool loop another model made: thinking off for them.
  const forcesTool = request.tool_choice === 'required' || typeof request.tool_choice === 'object' || (request.response_format !== undefined && request.response_format.type !== 'text');
  if (asked === undefined || asked.off || forcesTool || toolLoopWithoutClaudeThinking(request.messages)) return undefined;
  const budget = asked.budgetTokens ?? (asked.effort === undefined ? undefined : thinkingBudgets[asked.effort]);
  return budget === undefined ? undefined : claudeThinkingBudgetWithin(budget, request.max_completion_tokens ?? request.max_tokens ?? undefined);
}


const imageFormats: Readonly<Record<string, string>> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };
const documentFormats: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

function convertPart(part: ContentPart, index: number, path: string): BedrockContentBlock {
  const param = `${path}.content[${index}]`;
  if (part.type === 'text') return { text: String((part as { text: unknown }).text) };
  if (part.type === 'image_url') {
    const url = String((part as { image_url: { url: string } }).image_url.url);
    const inline = parseDataUrl(url);
    if (inline !== undefined) {
      const format = imageFormats[inline.mediaType];
      if (format === undefined) throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Image type "${inline.mediaType}" cannot be sent to a Bedrock model (png, jpeg, gif and webp can).`, { param });
      return { image: { format, source: { bytes: inline.data } } };
    }
    if (url.startsWith('s3://')) {
      const extension = /\.([a-z]+)$/i.exec(url)?.[1]?.toLowerCase();
      const format = extension === 'jpg' ? 'jpeg' : extension;
      if (format === undefined || !Object.values(imageFormats).includes(format)) throw new GatewayError('TOLLGATE_INVALID_REQUEST', `The S3 image ${url} must end in .png, .jpg, .jpeg, .gif or .webp.`, { param });
      return { image: { format, source: { s3Location: { uri: url } } } };
    }
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'Bedrock models take images as base64 data: URLs or s3:// URIs; the gateway does not fetch web URLs.', { param });
  }
  if (part.type === 'file') {
    const file = part.file as { file_data?: string; filename?: string } | undefined;
    const inline = parseDataUrl(String(file?.file_data ?? ''));
    const format = inline === undefined ? undefined : documentFormats[inline.mediaType];
    if (inline !== undefined && format !== undefined) {
      // Document names may hold letters, digits, spaces, hyphens, parentheses and brackets only.
      const name = (file?.filename ?? `document-${index}`).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9 ()[\]-]+/g, '-').slice(0, 200) || `document-${index}`;
      return { document: { format, name, source: { bytes: inline.data } } };
    }
  }
  throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Content part type "${part.type}" cannot be sent to a Bedrock model (text, image_url and file with a base64 document can).`, { param });
}

/** A chat client's cache mark as a Converse cache point (its `ttl` kept), placed after the block it marks. */
function cachePointOf(cacheControl: CacheControl | undefined): { cachePoint: BedrockCachePoint } | undefined {
  if (cacheControl === undefined) return undefined;
  return { cachePoint: { type: 'default', ...(typeof cacheControl.ttl === 'string' ? { ttl: cacheControl.ttl } : {}) } };
}

/** `blocks` with a cache point after each marked one (`marks[i]` is block i's mark) and after the last for the whole message's mark. */
function withCachePoints<T>(blocks: T[], marks: readonly (CacheControl | undefined)[], messageMark: CacheControl | undefined): (T | { cachePoint: BedrockCachePoint })[] {
  const marked: (T | { cachePoint: BedrockCachePoint })[] = [];
  blocks.forEach((block, index) => {
    marked.push(block);
    const point = cachePointOf(index === blocks.length - 1 ? (messageMark ?? marks[index]) : marks[index]);
    if (point !== undefined) marked.push(point);
  });
  return marked;
}

/** Claude takes at most this many cache points in a request. */
const maxCachePoints = 4;

/** The cache points already placed in a request's system prompt, turns and tools. */
function countCachePoints(body: BedrockRequest): number {
  const points = (blocks: readonly object[] | undefined) => (blocks ?? []).filter((block) => 'cachePoint' in block).length;
  return points(body.system) + body.messages.reduce((sum, message) => sum + points(message.content), 0) + points(body.toolConfig?.tools);
}

/**
 * A tool result: a JSON object as a `json` block, anything else as text; a tool message holding
 * images or files (which OpenRouter's chat clients send there) as text, image and document blocks,
 * which Converse takes in a tool result.
 */
function toolResultContent(content: ChatMessage['content'], path: string): BedrockToolResultBlock[] {
  if (typeof content !== 'string' && content != null && !content.every((part) => part.type === 'text')) {
    return content.map((part, index) => convertPart(part, index, path) as BedrockToolResultBlock);
  }
  const text = textOfContent(content);
  const json = parseJsonObject(text);
  return json === undefined ? [{ text }] : [{ json }];
}

/** Appends blocks to the conversation, merging into the previous turn when it has the same role (Converse requires alternation). */
function push(messages: BedrockMessage[], role: 'user' | 'assistant', blocks: BedrockContentBlock[]): void {
  if (blocks.length === 0) return;
  const previous = messages.at(-1);
  if (previous !== undefined && previous.role === role) previous.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

/** The conversation as Converse turns; Claude's earlier reasoning goes back only with thinking on (`withThinking`), as Claude requires it then. */
function convertMessages(messages: readonly ChatMessage[], withThinking: boolean): { system: string[]; systemMarks: (CacheControl | undefined)[]; turns: BedrockMessage[]; toolNames: Set<string> } {
  const system: string[] = [];
  const systemMarks: (CacheControl | undefined)[] = [];
  const turns: BedrockMessage[] = [];
  const toolNames = new Set<string>();
  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        // Converse refuses a blank text block: a blank system message is left out.
        if (textOfContent(message.content).trim() === '') return;
        system.push(textOfContent(message.content));
        systemMarks.push(cacheControlOf(message) ?? partsCacheControl(message.content));
        return;
      case 'user': {
        // Converse refuses a blank text block: blank parts are left out (a message left empty with them).
        const kept = typeof message.content === 'string' ? [] : message.content.map((part, partIndex) => ({ part, partIndex })).filter(({ part }) => !isBlankPart(part));
        const blocks = typeof message.content === 'string' ? (message.content.trim() === '' ? [] : [{ text: message.content }]) : kept.map(({ part, partIndex }) => convertPart(part, partIndex, path));
        push(turns, 'user', withCachePoints(blocks, kept.map(({ part }) => cacheControlOf(part)), cacheControlOf(message)));
        return;
      }
      case 'assistant': {
        // Claude's signed reasoning first, as Converse requires when a tool loop goes on with thinking on.
        const blocks: BedrockContentBlock[] = (withThinking ? claudeReasoningBlocks(message.reasoning_details) : []).map((block) =>
          block.kind === 'thinking' ? { reasoningContent: { reasoningText: { text: block.text, signature: block.signature } } } : { reasoningContent: { redactedContent: block.data } },
        );
        const marks: (CacheControl | undefined)[] = blocks.map(() => undefined);
        const text = assistantText(message);
        if (text.trim() !== '') {
          blocks.push({ text });
          marks.push(partsCacheControl(message.content));
        }
        message.tool_calls?.forEach((call, callIndex) => {
          toolNames.add(call.function.name);
          blocks.push({ toolUse: { toolUseId: fittedToolCallId(call.id, bedrockToolCallIds), name: call.function.name, input: parseToolArguments(call.function.arguments, `${path}.tool_calls[${callIndex}].function.arguments`) } });
          marks.push(undefined);
        });
        push(turns, 'assistant', withCachePoints(blocks, marks, cacheControlOf(message)));
        return;
      }
      case 'tool':
        // Consecutive tool results (and a user message after them) merge into one user turn.
        push(turns, 'user', withCachePoints([{ toolResult: { toolUseId: fittedToolCallId(message.tool_call_id, bedrockToolCallIds), content: toolResultContent(message.content, path) } }], [], cacheControlOf(message) ?? partsCacheControl(message.content)));
        return;
      default:
        throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Messages with role "${(message as { role: string }).role}" cannot be sent to a Bedrock model.`, { param: `${path}.role` });
    }
  });
  // Converse takes a conversation only from a user turn: one before a conversation the assistant began.
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', content: [{ text: openingUserText }] });
  return { system, systemMarks, turns, toolNames };
}

/** A text part of no text or only whitespace, which Converse refuses as a blank text block. */
function isBlankPart(part: ContentPart): boolean {
  return part.type === 'text' && String((part as { text?: unknown }).text ?? '').trim() === '';
}

/** Options of the translation that come from the provider's config. */
export interface ConvertToBedrockOptions {
  readonly model: string;
}

/**
 * Translates an OpenAI chat completions request to a Converse request: system and developer messages
 * to `system`; turns merged so roles alternate; images (base64 or S3) and base64 documents; assistant
 * `tool_calls` to `toolUse` blocks and `tool` messages to `toolResult` blocks; `max_tokens`,
 * `temperature`, `top_p` (as Claude takes them: {@link claudeSampling}) and `stop` to `inferenceConfig`; tools and `tool_choice` to `toolConfig`
 * (declared from the history when a conversation holds tool blocks but the request no tools, since
 * Converse refuses that); `response_format` as a forced JSON tool; the reasoning asked for
 * ({@link claudeThinkingBudget}) as Claude's thinking budget in `additionalModelRequestFields`.
 */
export function convertToBedrockRequest(request: ChatCompletionRequest, options: ConvertToBedrockOptions): BedrockRequest {
  if (request.n !== undefined && request.n !== null && request.n > 1) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'Bedrock models answer one choice per request; send n: 1 (or leave n out).', { param: 'n' });
  }
  const thinkingBudget = claudeThinkingBudget(request, options.model);
  const { system, systemMarks, turns, toolNames } = convertMessages(request.messages, thinkingBudget !== undefined);
  const body: BedrockRequest = { messages: turns };
  // The system prompt as one text block, unless a message of it is marked for the cache: then a block each, a cache point after each marked one.
  if (system.length > 0) body.system = systemMarks.some((mark) => mark !== undefined) ? withCachePoints(system.map((text) => ({ text })), systemMarks, undefined) : [{ text: system.join('\n\n') }];

  const inference: NonNullable<BedrockRequest['inferenceConfig']> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) inference.maxTokens = maxTokens;
  // Claude's max_tokens must exceed a thinking budget: a request without a limit gets room past the budget.
  else if (thinkingBudget !== undefined) inference.maxTokens = thinkingBudget + answerTokensPastThinking;
  const { temperature, topP } = claudeSampling(request, options.model, thinkingBudget !== undefined);
  if (temperature !== undefined) inference.temperature = temperature;
  if (topP !== undefined) inference.topP = topP;
  if (request.stop !== undefined && request.stop !== null) inference.stopSequences = stopSequencesOf(request.stop);
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  const tools: BedrockTool[] =
    request.tool_choice === 'none'
      ? []
      : withCachePoints(
          (request.tools ?? []).map((tool) => ({
            toolSpec: {
              name: tool.function.name,
              ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
              inputSchema: { json: tool.function.parameters ?? { type: 'object', properties: {} } },
            },
          })),
          (request.tools ?? []).map(cacheControlOf),
          undefined,
        );
  let toolChoice: NonNullable<BedrockRequest['toolConfig']>['toolChoice'];
  const choice = request.tool_choice;
  if (choice === 'auto') toolChoice = { auto: {} };
  else if (choice === 'required') toolChoice = { any: {} };
  else if (typeof choice === 'object') toolChoice = { tool: { name: choice.function.name } };

  const format = request.response_format;
  if (format !== undefined && format.type !== 'text') {
    const schema = format.type === 'json_schema' ? (format.json_schema.schema ?? { type: 'object' }) : { type: 'object' };
    tools.push({ toolSpec: { name: jsonResponseToolName, description: 'Answer with this tool: its input is the whole answer.', inputSchema: { json: schema } } });
    toolChoice = { tool: { name: jsonResponseToolName } };
  }
  // Converse refuses toolUse/toolResult blocks without a toolConfig: declare the tools the history used.
  for (const name of toolNames) {
    if (!tools.some((tool) => 'toolSpec' in tool && tool.toolSpec.name === name)) tools.push({ toolSpec: { name, inputSchema: { json: { type: 'object' } } } });
  }
  if (tools.length > 0) body.toolConfig = { tools, ...(toolChoice === undefined ? {} : { toolChoice }) };
  // The request's own mark (OpenRouter's automatic caching, a target's params): after the conversation's
  // last block, unless the client's own marks already use the four cache points Claude takes.
  const requestPoint = cachePointOf(cacheControlOf(request));
  if (requestPoint !== undefined && countCachePoints(body) < maxCachePoints) turns.at(-1)?.content.push(requestPoint);

  if (thinkingBudget !== undefined) body.additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: thinkingBudget } };
  return body;
}
