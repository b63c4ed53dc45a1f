import { GatewayError, type ChatCompletionRequest, type ChatMessage, type ClientBodyFacts, type TokenIdsContentPart } from '@tollgate/core';
import { requiredFieldError } from '../required-field-error.js';

/** A legacy completions request body as the client sent it. */
export type CompletionsRequestBody = Readonly<Record<string, any>>;

/** What a completions request's `max_tokens` is when left out, per OpenAI's API reference. */
const defaultMaxTokens = 16;

function invalid(message: string, param: string): GatewayError {
  return new GatewayError('TOLLGATE_INVALID_REQUEST', message, { param });
}

/** One prompt of a completions body: text, or token ids. */
export type CompletionsPrompt = string | readonly number[];

/** Whether a value is a prompt of token ids: a non-empty array of whole numbers, none negative. */
function isTokenIds(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item) && item >= 0);
}

/** The prompts of a completions body: a string, an array of strings, token ids, or an array of token-id arrays (as OpenAI's API takes them). */
export function promptsOf(body: CompletionsRequestBody): readonly CompletionsPrompt[] {
  const prompt = body.prompt;
  if (typeof prompt === 'string') return [prompt];
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((item) => typeof item === 'string')) return prompt;
  if (isTokenIds(prompt)) return [prompt];
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every(isTokenIds)) return prompt;
  throw requiredFieldError('prompt', prompt, 'a string, an array of strings, or token ids (an array of whole numbers, or of such arrays)');
}

/** A prompt as a user message: its text, or its token ids as the one part (see `TokenIdsContentPart`). */
function promptMessage(prompt: CompletionsPrompt): ChatMessage {
  if (typeof prompt === 'string') return { role: 'user', content: prompt };
  const part: TokenIdsContentPart = { type: 'token_ids', token_ids: prompt };
  return { role: 'user', content: [part] };
}

/** Fields copied as they are: the legacy API and chat completions name and mean them alike. */
const sharedFields = ['temperature', 'top_p', 'stop', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'seed', 'user', 'stream_options'] as const;

/**
 * A legacy completions request (`POST /v1/completions`) as the canonical chat request: each prompt a
 * user message, `max_tokens` 16 when left out (the API's default, which budgets then reserve for), the
 * sampling fields as they are. What only the legacy API does — `suffix`, `echo`, `best_of`, `logprobs`,
 * several prompts — stays in the client's bytes for an upstream that serves it (see
 * {@link inspectCompletionsBody}); the canonical request still holds every text a guardrail must read
 * (the suffix as a message of its own) and the most choices the upstream may generate (`n` times
 * `best_of` and the prompts), so that a budget reserves for them.
 */
export function convertCompletionsRequest(body: CompletionsRequestBody): ChatCompletionRequest {
  if (typeof body.model !== 'string' || body.model === '') throw requiredFieldError('model', body.model, 'a model name');
  const prompts = promptsOf(body);
  const messages: ChatMessage[] = prompts.map(promptMessage);
  if (typeof body.suffix === 'string' && body.suffix !== '') messages.push({ role: 'user', content: body.suffix });
  const n = typeof body.n === 'number' ? body.n : 1;
  const choices = Math.max(n, typeof body.best_of === 'number' ? body.best_of : 1) * prompts.length;
  const request: Record<string, unknown> = {
    model: body.model,
    messages,
    max_tokens: typeof body.max_tokens === 'number' ? body.max_tokens : defaultMaxTokens,
    ...(choices === 1 ? {} : { n: choices }),
    ...(body.stream === true ? { stream: true } : {}),
  };
  for (const field of sharedFields) if (body[field] !== undefined && body[field] !== null) request[field] = body[field];
  return request as unknown as ChatCompletionRequest;
}

/**
 * What in a completions request only an upstream serving the legacy API can do, as the 400 to answer
 * when the request cannot go to one as it was sent: a prompt of token ids (no other API takes one),
 * fill-in-the-middle (`suffix`), `echo`, `best_of`, legacy `logprobs`, several prompts in one request.
 */
export function inspectCompletionsBody(body: unknown): ClientBodyFacts {
  const request = (body ?? {}) as CompletionsRequestBody;
  const tokenIds = Array.isArray(request.prompt) && (Number.isInteger(request.prompt[0]) || Array.isArray(request.prompt[0]));
  const onlyLegacy =
    tokenIds ? ['prompt', 'a prompt of token ids']
    : typeof request.suffix === 'string' && request.suffix !== '' ? ['suffix', 'fill-in-the-middle (`suffix`)']
    : request.echo === true ? ['echo', '`echo`']
    : typeof request.best_of === 'number' && request.best_of > 1 ? ['best_of', '`best_of`']
    : typeof request.logprobs === 'number' ? ['logprobs', 'legacy `logprobs`']
    : Array.isArray(request.prompt) && request.prompt.length > 1 ? ['prompt', 'several prompts in one request']
    : undefined;
  if (onlyLegacy === undefined) return {};
  const [param, what] = onlyLegacy as [string, string];
  return {
    untranslatable: invalid(`${what} needs an upstream that serves the completions API (vLLM, SGLang, Ollama, llama.cpp, OpenRouter, OpenAI's instruct models), sent the request as it came. Route the model to one (without target params or a hook that rewrites the request), or leave it out.`, param),
  };
}

/** Canonical fields with no name in the legacy API: a hook or target params adding one means the request is translated. */
const chatOnlyFields: ReadonlySet<string> = new Set([
  'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call', 'response_format', 'reasoning_effort',
  'verbosity', 'logprobs', 'top_logprobs', 'modalities', 'audio', 'prediction', 'web_search_options', 'store', 'metadata',
  'service_tier', 'prompt_cache_key', 'prompt_cache_retention', 'safety_identifier',
]);

/**
 * Fields a hook (a budget's `max_tokens`) or a target's params added to the canonical request, as the
 * legacy API names them, for setting in a passed-through completions body: `max_completion_tokens` as
 * `max_tokens`, the shared fields and a server's own extensions (vLLM's `top_k`) as they are;
 * undefined when one belongs to chat only.
 */
export function encodeCompletionsFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const encoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (chatOnlyFields.has(name)) return undefined;
    encoded[name === 'max_completion_tokens' ? 'max_tokens' : name] = value;
  }
  return encoded;
}
