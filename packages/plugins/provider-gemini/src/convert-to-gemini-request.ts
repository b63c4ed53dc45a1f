import { GatewayError, type ChatCompletionRequest, type ChatMessage, type ContentPart } from '@tollgate/core';
import { askedReasoning, assistantText, openingUserText, parseDataUrl, parseJsonObject, parseToolArguments, stopSequencesOf, textOfContent, type AskedReasoning } from '@tollgate/provider-utils';
import type { GeminiContent, GeminiPart, GeminiRequest } from './gemini-content.js';
import { fromToolCallId } from './gemini-tool-call-id.js';

/**
 * OpenAI request fields with no Gemini equivalent. They are dropped (the provider logs each once at
 * debug level); the README lists them.
 */
export const untranslatedOpenAIFields = ['logit_bias', 'user', 'metadata', 'store', 'audio', 'prediction', 'web_search_options', 'parallel_tool_calls', 'stream_options'] as const;

/** An effort as a Gemini 2.5 thinking budget (tokens). */
const thinkingBudgets = { minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: 24576 } as const;
/** An effort as a Gemini 3 thinking level. */
const thinkingLevels = { minimal: 'low', low: 'low', medium: 'high', high: 'high', xhigh: 'high' } as const;
/** The largest thinking budgets Gemini 2.5 takes: Pro's, and Flash's and Flash-Lite's. */
const maxProThinkingBudget = 32_768;
const maxFlashThinkingBudget = 24_576;
/** Gemini 2.5 Pro cannot turn thinking off: its smallest budget. */
const minProThinkingBudget = 128;
/** A budget of reasoning tokens at most this is Gemini 3's `low` thinking level; above, `high`. */
const lowThinkingLevelBudget = 4_096;

/**
 * The thought signature Google documents for function calls Gemini did not make itself (another
 * model's, earlier in a conversation that moved to Gemini): Gemini 3 refuses a step of the current
 * turn whose first function call has no signature, and takes this one in its place.
 */
export const foreignCallSignature = 'skip_thought_signature_validator';

/** Gemini 3 and later: thinking levels, and thought signatures checked on function calls. */
function isGemini3OrLater(model: string): boolean {
  return /^gemini-[3-9]/.test(model);
}

/**
 * Whether `model` takes `presencePenalty` and `frequencyPenalty`: Gemini 2.5 and later (and the
 * `-latest` aliases, which name them) refuse them (`400 INVALID_ARGUMENT: Penalty is not enabled for
 * models/gemini-2.5-flash`); Gemini 2.0 and 1.5, and another model served there, take them.
 */
export function takesPenalties(model: string): boolean {
  return !/^(?:models\/)?gemini-(?:2\.5|[3-9]|flash|pro)/.test(model);
}

const imageTypes: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', heic: 'image/heic', heif: 'image/heif', pdf: 'application/pdf' };
const audioTypes: Readonly<Record<string, string>> = { wav: 'audio/wav', mp3: 'audio/mp3' };

/** A `data:` URL as Gemini inline data. */
function inlineDataOf(url: string): GeminiPart['inlineData'] {
  const inline = parseDataUrl(url);
  return inline === undefined ? undefined : { mimeType: inline.mediaType, data: inline.data };
}

function convertPart(part: ContentPart, index: number, path: string): GeminiPart {
  const param = `${path}.content[${index}]`;
  if (part.type === 'text') return { text: String((part as { text: unknown }).text) };
  if (part.type === 'image_url') {
    const url = String((part as { image_url: { url: string } }).image_url.url);
    const inline = inlineDataOf(url);
    if (inline !== undefined) return { inlineData: inline };
    const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
    return { fileData: { fileUri: url, mimeType: (extension === undefined ? undefined : imageTypes[extension]) ?? 'image/jpeg' } };
  }
  if (part.type === 'input_audio') {
    const audio = part.input_audio as { data: string; format: string };
    const mimeType = audioTypes[audio.format];
    if (mimeType === undefined) throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Audio format "${audio.format}" cannot be sent to a Gemini model (wav and mp3 can).`, { param });
    return { inlineData: { mimeType, data: audio.data } };
  }
  if (part.type === 'file') {
    const inline = inlineDataOf(String((part.file as { file_data?: string } | undefined)?.file_data ?? ''));
    if (inline !== undefined) return { inlineData: inline };
  }
  throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Content part type "${part.type}" cannot be sent to a Gemini model (text, image_url, input_audio and file with file_data can).`, { param });
}

/** Tool call arguments as Gemini's `args`, which must be an object. */
function toolArguments(text: string, path: string): Record<string, unknown> {
  const args = parseToolArguments(text, path);
  if (typeof args === 'object' && args !== null && !Array.isArray(args)) return args as Record<string, unknown>;
  throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Tool call arguments must be a JSON object for a Gemini model; ${path} is not an object.`, { param: path });
}

/** A tool result as a function response: JSON objects as they are, anything else under `result`. */
function toolResponse(text: string): Record<string, unknown> {
  return parseJsonObject(text) ?? { result: text };
}

/**
 * The images and files of a tool message (which OpenRouter's chat clients send there) as the
 * function response's own `parts`, inline data only: the Gemini API takes no file URI there.
 */
function toolResultMedia(content: ChatMessage['content'], path: string): { inlineData: { mimeType: string; data: string } }[] {
  if (typeof content === 'string' || content == null) return [];
  const media: { inlineData: { mimeType: string; data: string } }[] = [];
  content.forEach((part, index) => {
    if (part.type === 'text') return;
    const inlineData = convertPart(part, index, path).inlineData;
    if (inlineData === undefined) throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'A Gemini model takes a tool result\'s images and files as base64 data: URLs only.', { param: `${path}.content[${index}]` });
    media.push({ inlineData });
  });
  return media;
}

/**
 * Appends parts to the conversation, merging into the previous turn when it has the same role. An
 * empty text part is left out (Gemini reads it as a part of no data and refuses it), and a message
 * left with none.
 */
function push(contents: GeminiContent[], role: 'user' | 'model', given: GeminiPart[]): void {
  const parts = given.some((part) => part.text === '') ? given.filter((part) => part.text !== '') : given;
  if (parts.length === 0) return;
  const previous = contents.at(-1);
  if (previous !== undefined && previous.role === role) previous.parts.push(...parts);
  else contents.push({ role, parts });
}

/**
 * The conversation as Gemini contents. With `signCalls` (Gemini 3), an assistant message whose tool
 * calls carry no thought signature (another model made them) gets {@link foreignCallSignature} on
 * its first call, as Gemini 3 requires of every step.
 */
function convertMessages(messages: readonly ChatMessage[], signCalls: boolean): { system: string[]; contents: GeminiContent[] } {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  // A tool message names only its call id; Gemini's function response needs the function's name.
  const callNames = new Map<string, string>();
  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        // An empty system message is no text: Gemini refuses an empty part.
        const text = textOfContent(message.content);
        if (text !== '') system.push(text);
        return;
      }
      case 'user':
        push(contents, 'user', typeof message.content === 'string' ? [{ text: message.content }] : message.content.map((part, partIndex) => convertPart(part, partIndex, path)));
        return;
      case 'assistant': {
        const parts: GeminiPart[] = [];
        const text = assistantText(message);
        if (text !== '') parts.push({ text });
        const calls = message.tool_calls?.map((call) => ({ call, ...fromToolCallId(call.id) })) ?? [];
        // Gemini signs a step's first call only; a step none of whose calls is signed came from another model.
        const unsigned = signCalls && calls.length > 0 && calls.every((call) => call.signature === undefined);
        calls.forEach(({ call, id, signature }, callIndex) => {
          callNames.set(call.id, call.function.name);
          const args = toolArguments(call.function.arguments, `${path}.tool_calls[${callIndex}].function.arguments`);
          const thoughtSignature = unsigned && callIndex === 0 ? foreignCallSignature : signature;
          parts.push({ functionCall: { ...(id === undefined ? {} : { id }), name: call.function.name, args }, ...(thoughtSignature === undefined ? {} : { thoughtSignature }) });
        });
        push(contents, 'model', parts);
        return;
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id);
        if (name === undefined) {
          throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Tool message ${path} answers tool call "${message.tool_call_id}", which no earlier assistant message made; Gemini needs the function's name.`, { param: `${path}.tool_call_id` });
        }
        const { id } = fromToolCallId(message.tool_call_id);
        // Consecutive tool results (and a user message after them) merge into one user turn.
        const media = toolResultMedia(message.content, path);
        push(contents, 'user', [{ functionResponse: { ...(id === undefined ? {} : { id }), name, response: toolResponse(textOfContent(message.content)), ...(media.length === 0 ? {} : { parts: media }) } }]);
        return;
      }
      default:
        throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Messages with role "${(message as { role: string }).role}" cannot be sent to a Gemini model.`, { param: `${path}.role` });
    }
  });
  // Gemini takes a conversation only from a user turn: one before a conversation the model began.
  if (contents[0]?.role === 'model') contents.unshift({ role: 'user', parts: [{ text: openingUserText }] });
  return { system, contents };
}

/** Options of the translation that come from the provider's config. */
export interface ConvertToGeminiOptions {
  readonly model: string;
  /** Ask for thought summaries (returned as `reasoning_content`). */
  readonly includeThoughts: boolean;
}

/**
 * The thinking a request asks for as Gemini's `thinkingConfig`: a budget of tokens as Gemini 2.5's
 * `thinkingBudget` (within the model's largest) or Gemini 3's level; an effort as either; reasoning
 * off as a budget of 0 (Gemini 2.5 Pro and Gemini 3 cannot stop thinking: their least); thought summaries included
 * when the client asked to see the reasoning (OpenRouter's `reasoning`, Anthropic's `thinking`) or the
 * provider's `includeThoughts` says so. Undefined when there is nothing to set.
 */
function thinkingConfigOf(asked: AskedReasoning | undefined, options: ConvertToGeminiOptions): Record<string, unknown> | undefined {
  const thinking: Record<string, unknown> = {};
  const gemini3 = isGemini3OrLater(options.model);
  if (asked?.off === true) {
    if (gemini3) thinking.thinkingLevel = 'low';
    else thinking.thinkingBudget = options.model.includes('pro') ? minProThinkingBudget : 0;
  } else if (asked?.budgetTokens !== undefined) {
    if (gemini3) thinking.thinkingLevel = asked.budgetTokens <= lowThinkingLevelBudget ? 'low' : 'high';
    else thinking.thinkingBudget = Math.min(asked.budgetTokens, options.model.includes('pro') ? maxProThinkingBudget : maxFlashThinkingBudget);
  } else if (asked?.effort !== undefined) {
    if (gemini3) thinking.thinkingLevel = thinkingLevels[asked.effort];
    else thinking.thinkingBudget = thinkingBudgets[asked.effort];
  }
  if (options.includeThoughts || (asked?.shown === true && !asked.off)) thinking.includeThoughts = true;
  return Object.keys(thinking).length === 0 ? undefined : thinking;
}

/**
 * Translates an OpenAI chat completions request to a Gemini `GenerateContentRequest`: system and
 * developer messages to `systemInstruction`; user and assistant turns to `user` and `model` contents
 * (consecutive ones merged); images, audio and files to `inlineData` / `fileData`; assistant
 * `tool_calls` to `functionCall` parts (with their thought signatures; on Gemini 3, another model's calls with the signature Google documents
 * for them) and `tool` messages to
 * `functionResponse` parts; `tools` and `tool_choice` to `functionDeclarations` and
 * `functionCallingConfig`; sampling, stop, `n`, `seed`, penalties (where the model takes them:
 * {@link takesPenalties}), logprobs, `response_format`
 * (`responseJsonSchema`), the reasoning asked for (`reasoning_effort`, OpenRouter's `reasoning`,
 * Anthropic's `thinking`: a thinking budget, or level on Gemini 3, and thought summaries) and
 * OpenRouter's `modalities` with `image` and `image_config` (`responseModalities`, `imageConfig`) to
 * `generationConfig`; `service_tier` `flex` or `priority` to `serviceTier` (Gemini's standard tier is
 * the default, so `default` and `auto` ask for nothing).
 */
export function convertToGeminiRequest(request: ChatCompletionRequest, options: ConvertToGeminiOptions): GeminiRequest {
  const { system, contents } = convertMessages(request.messages, isGemini3OrLater(options.model));
  const body: GeminiRequest = { contents };
  if (system.length > 0) body.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  if (request.service_tier === 'flex' || request.service_tier === 'priority') body.serviceTier = request.service_tier;

  const config: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) config.maxOutputTokens = maxTokens;
  if (request.temperature !== undefined && request.temperature !== null) config.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) config.topP = request.top_p;
  if (request.stop !== undefined && request.stop !== null) config.stopSequences = stopSequencesOf(request.stop);
  if (request.n !== undefined && request.n !== null && request.n !== 1) config.candidateCount = request.n;
  if (request.seed !== undefined && request.seed !== null) config.seed = request.seed;
  if (takesPenalties(options.model)) {
    if (request.presence_penalty !== undefined && request.presence_penalty !== null) config.presencePenalty = request.presence_penalty;
    if (request.frequency_penalty !== undefined && request.frequency_penalty !== null) config.frequencyPenalty = request.frequency_penalty;
  }
  if (request.logprobs === true) config.responseLogprobs = true;
  if (request.top_logprobs !== undefined && request.top_logprobs !== null) config.logprobs = request.top_logprobs;
  const format = request.response_format;
  if (format !== undefined && format.type !== 'text') {
    config.responseMimeType = 'application/json';
    if (format.type === 'json_schema' && format.json_schema.schema !== undefined) config.responseJsonSchema = format.json_schema.schema;
  }
  const thinking = thinkingConfigOf(askedReasoning(request), options);
  if (thinking !== undefined) config.thinkingConfig = thinking;
  // Images asked for (OpenRouter's `modalities`, `image_config`): an image model's response modalities and image settings.
  const modalities = request.modalities;
  if (Array.isArray(modalities) && modalities.includes('image')) {
    config.responseModalities = modalities.filter((modality) => modality === 'text' || modality === 'image').map((modality) => modality.toUpperCase());
    const image = request.image_config as { aspect_ratio?: unknown; image_size?: unknown } | undefined;
    const imageConfig = {
      ...(typeof image?.aspect_ratio === 'string' ? { aspectRatio: image.aspect_ratio } : {}),
      ...(typeof image?.image_size === 'string' ? { imageSize: image.image_size } : {}),
    };
    if (Object.keys(imageConfig).length > 0) config.imageConfig = imageConfig;
  }
  if (Object.keys(config).length > 0) body.generationConfig = config;

  const declarations = (request.tools ?? []).map((tool) => ({
    name: tool.function.name,
    ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
    ...(tool.function.parameters === undefined ? {} : { parametersJsonSchema: tool.function.parameters }),
  }));
  if (declarations.length > 0) body.tools = [{ functionDeclarations: declarations }];
  // A tool choice means nothing without tools: left out then.
  const choice = declarations.length > 0 ? request.tool_choice : undefined;
  if (choice === 'auto') body.toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
  else if (choice === 'none') body.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
  else if (choice === 'required') body.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
  else if (typeof choice === 'object') body.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  return body;
}
