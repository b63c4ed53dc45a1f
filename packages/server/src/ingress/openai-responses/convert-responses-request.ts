import { GatewayError, customToolInput, type AssistantMessage, type BoundedWebSearches, type ClientBodyFacts, type ChatCompletionRequest, type ChatMessage, type ContentPart, type FunctionTool, type TextContentPart, type ToolCall, type ToolChoice } from '@tollgate/core';
import { cacheMarkOf, hasCacheMark, lastCacheMark } from '../cache-mark-of.js';
import { requiredFieldError } from '../required-field-error.js';
import { toolResultForChat, type ToolResultForChat } from '../tool-result-attachments.js';

type Item = { type?: string; [field: string]: any };


function invalid(message: string, param: string): GatewayError {
  return new GatewayError('TOLLGATE_INVALID_REQUEST', message, { param });
}

/** Request fields by which OpenAI adds input it stores: such a request passes through to OpenAI only. */
const storedInputFields = ['previous_response_id', 'conversation'] as const;

/** A Responses content part as a chat one: text, images by URL or data URL, files by their data; one by `file_id` kept as it is. */
function toPart(part: Item, param: string): ContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: String(part.text), ...cacheMarkOf(part) };
    case 'refusal':
      return { type: 'text', text: String(part.refusal) };
    case 'input_image':
      // By `file_id`: kept as it is, for OpenAI only (see untranslatableResponsesParts).
      if (typeof part.image_url !== 'string') return { ...part } as ContentPart;
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' ? { detail: part.detail } : {}) } };
    case 'input_file':
      if (typeof part.file_data !== 'string') return { ...part } as ContentPart;
      return { type: 'file', file: { file_data: part.file_data, ...(typeof part.filename === 'string' ? { filename: part.filename } : {}) } };
    default:
      throw invalid(`Content part type "${String(part.type)}" cannot be sent to this model (input_text, input_image, input_file and output_text can).`, param);
  }
}

/** A message's content as chat content: a string stays one, parts become chat parts (all-text parts joined). */
function toContent(content: unknown, param: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid('A message\'s `content` must be a string or an array of content parts.', `${param}.content`);
  const parts = content.map((part: Item, index: number) => toPart(part, `${param}.content[${index}]`));
  return parts.every((part) => part.type === 'text' && !hasCacheMark(part)) ? parts.map((part) => (part as { text: string }).text).join('') : parts;
}

/**
 * A tool's output, which the Responses API lets be text or content parts, for a chat model: its text,
 * its images and files attached (see {@link toolResultForChat}).
 */
function toolOutputOf(output: unknown, callId: string, param: string): ToolResultForChat {
  if (typeof output === 'string') return { text: output, attachments: [] };
  if (!Array.isArray(output)) return { text: JSON.stringify(output ?? ''), attachments: [] };
  const isText = (part: Item) => part.type === 'input_text' || part.type === 'output_text';
  const text = output.map((part: Item) => (isText(part) ? String(part.text) : '')).join('');
  return toolResultForChat(callId, text, output.flatMap((part: Item, index: number) => (isText(part) ? [] : [toPart(part, `${param}.output[${index}]`)])));
}

/**
 * The conversation as chat messages. Consecutive assistant output (a message, then the function calls
 * that followed it) becomes one assistant message with `tool_calls`, as chat models expect; reasoning
 * items are dropped (a chat model cannot take them back, and their encrypted content is OpenAI's own).
 */
function toMessages(input: unknown, instructions: unknown): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (typeof instructions === 'string' && instructions !== '') messages.push({ role: 'system', content: instructions });
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  if (!Array.isArray(input)) throw requiredFieldError('input', input, 'a string, or an array of input items');
  let assistant: { content: string; toolCalls: ToolCall[] } | undefined;
  // Tool outputs' images and files, for the user message after the run of tool messages they follow.
  let attachments: ContentPart[] = [];
  const flushAttachments = () => {
    if (attachments.length === 0) return;
    messages.push({ role: 'user', content: attachments });
    attachments = [];
  };
  const flushAssistant = () => {
    if (assistant === undefined) return;
    const message: AssistantMessage = {
      role: 'assistant',
      content: assistant.content === '' && assistant.toolCalls.length > 0 ? null : assistant.content,
      ...(assistant.toolCalls.length > 0 ? { tool_calls: assistant.toolCalls } : {}),
    };
    messages.push(message);
    assistant = undefined;
  };
  input.forEach((item: Item, index: number) => {
    const param = `input[${index}]`;
    const type = item?.type ?? 'message';
    // The run of tool outputs ends here: their attachments go before what comes next.
    if (type !== 'function_call_output' && type !== 'custom_tool_call_output') flushAttachments();
    if (type === 'message' && item.role === 'assistant') {
      const content = toContent(item.content, param);
      assistant ??= { content: '', toolCalls: [] };
      assistant.content += typeof content === 'string' ? content : content.map((part) => (part.type === 'text' ? (part as { text: string }).text : '')).join('');
      return;
    }
    if (type === 'function_call' || type === 'custom_tool_call') {
      if (typeof item.call_id !== 'string' || typeof item.name !== 'string') throw invalid(`A ${type} item needs \`call_id\` and \`name\`.`, param);
      const args = type === 'function_call' ? String(item.arguments ?? '{}') : JSON.stringify({ [customToolInput]: String(item.input ?? '') });
      assistant ??= { content: '', toolCalls: [] };
      assistant.toolCalls.push({ id: item.call_id, type: 'function', function: { name: item.name, arguments: args } });
      return;
    }
    if (type === 'reasoning') return;
    flushAssistant();
    if (type === 'message') {
      if (item.role === 'user') messages.push({ role: 'user', content: toContent(item.content, param), ...cacheMarkOf(item) } as ChatMessage);
      else if (item.role === 'system' || item.role === 'developer') {
        const content = toContent(item.content, param);
        if (typeof content !== 'string' && !content.every((part) => part.type === 'text')) throw invalid(`A ${String(item.role)} message can hold text only.`, `${param}.content`);
        messages.push({ role: item.role, content: content as string | TextContentPart[], ...cacheMarkOf(item) } as ChatMessage);
      } else throw invalid(`${param}.role must be "user", "assistant", "system" or "developer".`, `${param}.role`);
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      if (typeof item.call_id !== 'string') throw invalid(`A ${type} item needs the \`call_id\` of the call it answers.`, param);
      const result = toolOutputOf(item.output, item.call_id, param);
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: result.text, ...cacheMarkOf(item), ...(item.cache_control === undefined ? lastCacheMark(item.output) : {}) } as ChatMessage);
      attachments.push(...result.attachments);
    } else if (type === 'item_reference') {
      // Kept as it is, for OpenAI only (see inspectResponsesBody): what it refers to is OpenAI's.
      messages.push({ role: 'user', content: [{ ...item } as unknown as ContentPart] });
    }
    // Items of OpenAI's built-in tools have no chat equivalent: see untranslatableResponsesParts.
  });
  flushAssistant();
  flushAttachments();
  return messages;
}

/** Input item types a chat request can carry; any other belongs to one of OpenAI's built-in tools, or refers to a stored item. */
const translatableItemTypes = new Set(['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'reasoning']);

/** A function or custom tool, which the client runs; any other type is one of OpenAI's built-in tools. */
function isClientTool(tool: Item): boolean {
  return tool?.type === 'function' || tool?.type === 'custom';
}

/** Function and custom tools as chat functions; a custom tool takes one string, `input`. Built-in tools are left out. */
function toTools(tools: unknown): FunctionTool[] | undefined {
  const clientTools = Array.isArray(tools) ? tools.filter(isClientTool) : [];
  if (clientTools.length === 0) return undefined;
  return clientTools.map((tool: Item) => {
    const description = typeof tool.description === 'string' ? { description: tool.description } : {};
    if (tool.type === 'function') {
      return { type: 'function', function: { name: String(tool.name), ...description, parameters: tool.parameters ?? { type: 'object', properties: {} }, ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}) }, ...cacheMarkOf(tool) };
    }
    const parameters = { type: 'object', properties: { [customToolInput]: { type: 'string' } }, required: [customToolInput], additionalProperties: false };
    return { type: 'function', function: { name: String(tool.name), ...description, parameters }, ...cacheMarkOf(tool) };
  });
}

/**
 * The field by which OpenAI adds input it stores to a Responses request (`previous_response_id`,
 * `conversation`, an `item_reference` input item); undefined when the request carries all of its input.
 */
export function storedResponsesInput(body: unknown): string | undefined {
  const request = (body ?? {}) as Record<string, unknown>;
  const field = storedInputFields.find((name) => request[name] !== undefined && request[name] !== null);
  if (field !== undefined) return field;
  const index = Array.isArray(request.input) ? request.input.findIndex((item: Item) => item?.type === 'item_reference') : -1;
  return index === -1 ? undefined : `input[${index}]`;
}

/**
 * What only the bytes of a Responses request carry: input OpenAI stores (a previous response, a
 * conversation, a referenced item), what only OpenAI runs or reads, and the web searches it may bill.
 */
export function inspectResponsesBody(body: unknown): ClientBodyFacts {
  const storedInput = storedResponsesInput(body);
  const untranslatable = storedInput === undefined ? untranslatableResponsesParts(body) : invalid(`\`${storedInput.startsWith('input[') ? 'item_reference' : storedInput}\` refers to input OpenAI stores, which only OpenAI's Responses API can add, sent the request as it came. Route the request to OpenAI, or send the whole conversation in \`input\` (with \`store: false\`), as Codex does.`, storedInput);
  const include = (body as { include?: unknown } | null)?.include;
  const needsUpstreamAnswer = Array.isArray(include) && include.includes('reasoning.encrypted_content') ? 'include' : undefined;
  return { untranslatable, webSearchLimit: responsesWebSearchLimit(body), storedInput, needsUpstreamAnswer };
}

/**
 * What in a Responses request only OpenAI can run or read — a built-in tool (`web_search`,
 * `file_search`, `code_interpreter`, …), an item of one in `input`, an image or file by `file_id` — as
 * the 400 to answer when the request cannot reach an upstream serving the Responses API as it was
 * sent; undefined when everything translates.
 */
function untranslatableResponsesParts(body: unknown): GatewayError | undefined {
  const { tools, input } = (body ?? {}) as { tools?: unknown; input?: unknown };
  const toolIndex = Array.isArray(tools) ? tools.findIndex((tool: Item) => !isClientTool(tool)) : -1;
  if (toolIndex !== -1) {
    const type = String((tools as Item[])[toolIndex]!.type);
    return invalid(`Tool type "${type}" is one of OpenAI's built-in tools, which only an upstream serving the Responses API can run, sent the request as it came. Route the request to OpenAI (without target params, or a hook that rewrites or reads it), or drop the tool.`, `tools[${toolIndex}]`);
  }
  const items: Item[] = Array.isArray(input) ? input : [];
  const itemIndex = items.findIndex((item) => !translatableItemTypes.has(item?.type ?? 'message'));
  if (itemIndex !== -1) {
    return invalid(`Input item type "${String(items[itemIndex]!.type)}" belongs to one of OpenAI's built-in tools, which only an upstream serving the Responses API can take. Route the request to OpenAI, or leave the item out.`, `input[${itemIndex}]`);
  }
  for (const [index, item] of items.entries()) {
    // A message's content, or a tool output's parts.
    const field = Array.isArray(item?.content) ? 'content' : Array.isArray(item?.output) ? 'output' : undefined;
    const partIndex = field === undefined ? -1 : (item[field] as Item[]).findIndex(isStoredFilePart);
    if (partIndex !== -1) {
      return invalid('This content part points at a file in OpenAI\'s storage (`file_id` or `file_url`), which only OpenAI can read. Route the request to OpenAI, or send the image or file inline (`image_url` as a data URL, `file_data`).', `input[${index}].${field}[${partIndex}]`);
    }
  }
  return undefined;
}

/**
 * The most web searches OpenAI may run for a Responses request with its built-in web search tool
 * (`web_search`, `web_search_preview` and their dated versions): `max_tool_calls`, which bounds every
 * built-in tool call of the response, else `Infinity`; 0 without the tool.
 */
function responsesWebSearchLimit(body: unknown): number {
  const { tools, max_tool_calls: maxToolCalls } = (body ?? {}) as { tools?: unknown; max_tool_calls?: unknown };
  if (!Array.isArray(tools) || !tools.some((tool: Item) => typeof tool?.type === 'string' && tool.type.startsWith('web_search'))) return 0;
  return typeof maxToolCalls === 'number' && maxToolCalls >= 0 ? maxToolCalls : Infinity;
}

/**
 * A Responses request's web searches bounded: `max_tool_calls: limit`, which OpenAI applies to every
 * built-in tool call of the response, so it runs, and bills, no more searches than a budget held for.
 */
export function boundResponsesWebSearches(_body: unknown, limit: number): BoundedWebSearches {
  return { fields: { max_tool_calls: limit }, webSearchLimit: limit };
}

/** An image or file part by `file_id` (or a file by `file_url`): OpenAI's storage, not inline content. */
function isStoredFilePart(part: Item): boolean {
  return (part?.type === 'input_image' && typeof part.image_url !== 'string') || (part?.type === 'input_file' && typeof part.file_data !== 'string');
}

function toToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const named = choice as Item;
  if ((named.type === 'function' || named.type === 'custom') && typeof named.name === 'string') return { type: 'function', function: { name: named.name } };
  // A built-in tool's choice goes with the tool: only as the client's bytes (see untranslatableResponsesParts).
  if (typeof named.type === 'string' && named.type !== 'allowed_tools' && named.type !== 'mcp') return undefined;
  throw invalid('`tool_choice` must be "auto", "none", "required", a tool by name or type.', 'tool_choice');
}

/** `text.format` as chat's `response_format`. */
function toResponseFormat(format: Item | undefined): Record<string, unknown> | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    return {
      type: 'json_schema',
      json_schema: {
        name: typeof format.name === 'string' ? format.name : 'output',
        ...(format.schema === undefined ? {} : { schema: format.schema }),
        ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
        ...(typeof format.description === 'string' ? { description: format.description } : {}),
      },
    };
  }
  throw invalid('`text.format.type` must be "text", "json_object" or "json_schema".', 'text.format');
}

/**
 * A request for reasoning summaries (`reasoning.summary`: Codex sends `auto`) as OpenRouter's
 * `reasoning` object, which asks a model to show its reasoning (Gemini's thought summaries, Claude's
 * thinking; an OpenRouter model's reasoning): with the effort, when one is set.
 */
function reasoningOfSummary(reasoning: { effort?: unknown; summary?: unknown } | undefined): { reasoning?: Record<string, unknown> } {
  if (typeof reasoning?.summary !== 'string') return {};
  return { reasoning: typeof reasoning.effort === 'string' ? { effort: reasoning.effort } : { enabled: true } };
}

/**
 * Translates a Responses API request (OpenAI's `POST /v1/responses`, which Codex and the Agents SDK
 * speak) to the canonical chat request: `instructions` to a system message, input items to messages
 * (function calls and their outputs to `tool_calls` and `tool` messages), function and custom tools
 * to functions, `max_output_tokens`, `text.format` and `reasoning.effort` to their chat names,
 * `reasoning.summary` to OpenRouter's `reasoning` ({@link reasoningOfSummary}), and
 * usage always requested on streams. Input OpenAI stores (`previous_response_id`, `conversation`,
 * `item_reference` items) and OpenAI's built-in tools are left out ({@link inspectResponsesBody});
 * stored prompt templates and `background` responses, which run later and are polled for, are
 * refused with a 400 naming the field.
 */
export function convertResponsesRequest(body: Record<string, any>): ChatCompletionRequest {
  if (typeof body.model !== 'string' || body.model === '') throw requiredFieldError('model', body.model, 'a model name');
  if (body.prompt !== undefined && body.prompt !== null) {
    throw invalid('Stored prompt templates (`prompt`) are not served: send the prompt\'s text in `instructions` and `input`.', 'prompt');
  }
  if (body.background === true) throw invalid('Background responses (run later, polled for while they run) are not served. Send the request without `background`.', 'background');
  const tools = toTools(body.tools);
  const toolChoice = toToolChoice(body.tool_choice);
  const responseFormat = toResponseFormat(body.text?.format);
  const request: Record<string, unknown> = {
    model: body.model,
    messages: toMessages(body.input, body.instructions),
    ...(typeof body.max_output_tokens === 'number' ? { max_tokens: body.max_output_tokens } : {}),
    ...(body.stream === true ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === 'number' ? { top_p: body.top_p } : {}),
    ...(typeof body.top_logprobs === 'number' ? { logprobs: true, top_logprobs: body.top_logprobs } : {}),
    ...(typeof body.user === 'string' ? { user: body.user } : typeof body.safety_identifier === 'string' ? { user: body.safety_identifier } : {}),
    ...(typeof body.prompt_cache_key === 'string' ? { prompt_cache_key: body.prompt_cache_key } : {}),
    ...(typeof body.service_tier === 'string' ? { service_tier: body.service_tier } : {}),
    ...(tools === undefined ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
    ...(typeof body.parallel_tool_calls === 'boolean' && tools !== undefined ? { parallel_tool_calls: body.parallel_tool_calls } : {}),
    ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
    ...(typeof body.text?.verbosity === 'string' ? { verbosity: body.text.verbosity } : {}),
    ...(typeof body.reasoning?.effort === 'string' ? { reasoning_effort: body.reasoning.effort } : {}),
    ...reasoningOfSummary(body.reasoning),
  };
  return request as unknown as ChatCompletionRequest;
}

/** Canonical fields a hook may add (a budget's `max_tokens`), by their name in the Responses API. */
const responsesFieldNames: Readonly<Record<string, string>> = {
  max_tokens: 'max_output_tokens',
  max_completion_tokens: 'max_output_tokens',
  temperature: 'temperature',
  top_p: 'top_p',
  user: 'user',
  metadata: 'metadata',
  parallel_tool_calls: 'parallel_tool_calls',
  prompt_cache_key: 'prompt_cache_key',
  service_tier: 'service_tier',
  // A budget's bound on the built-in tools' calls (web searches), on requests that pass through only.
  max_tool_calls: 'max_tool_calls',
};

/**
 * Fields a hook added to the canonical request, as the Responses API names them, for splicing into a
 * passed-through Responses body (`reasoning_effort` as `reasoning.effort`, in the client's own
 * `reasoning`); undefined when one has no Responses name (the request is then translated).
 */
export function encodeResponsesFields(fields: Readonly<Record<string, unknown>>, clientBody?: unknown): Record<string, unknown> | undefined {
  const encoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'reasoning_effort' && typeof value === 'string') {
      // Set inside the client's own `reasoning`, whatever else it holds (its summary setting).
      const own = (clientBody as { reasoning?: unknown } | undefined)?.reasoning;
      encoded.reasoning = { ...(typeof own === 'object' && own !== null ? own : {}), effort: value };
      continue;
    }
    const wireName = responsesFieldNames[name];
    if (wireName === undefined) return undefined;
    encoded[wireName] = value;
  }
  return encoded;
}
