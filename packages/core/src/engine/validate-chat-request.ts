import { z } from 'zod';
import { formatIssuePath } from '../config/format-issue-path.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { EmbeddingRequest } from '../types/embedding-request.js';
import { imagesToEdit, type ImageGenerationRequest } from '../types/image-generation-request.js';
import type { SpeechRequest } from '../types/speech-request.js';
import type { TranscriptionRequest } from '../types/transcription-request.js';
import { defaultModerationModel, type ModerationRequest } from '../types/moderation-request.js';
import type { RerankRequest } from '../types/rerank-request.js';

const tokenCount = z.number().int().positive().nullish();
/** The message roles a chat request may use. */
const chatRoles = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

// Only what the engine relies on is checked; every other field is the upstream's to validate.
const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.enum(chatRoles) })).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: tokenCount,
  max_completion_tokens: tokenCount,
  n: z.number().int().positive().nullish(),
});

const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
});

const rerankRequestSchema = z.looseObject({
  model: z.string().min(1),
  query: z.string().min(1),
  documents: z.array(z.union([z.string(), z.looseObject({ text: z.string() })])).min(1).max(10_000),
  top_n: z.number().int().positive().optional(),
  return_documents: z.boolean().optional(),
});

const imageRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().min(1),
  n: z.number().int().positive().nullish(),
  size: z.string().nullish(),
  quality: z.string().nullish(),
  stream: z.boolean().nullish(),
  // The gateway's own, from an edit's form: a JSON body cannot carry uploads' bytes.
  task: z.enum(['generate', 'edit']).optional(),
  files: z.array(z.looseObject({ field: z.string(), name: z.string(), type: z.string(), bytes: z.instanceof(Uint8Array) })).optional(),
});

const moderationPartSchema = z.union([
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string().min(1) }) }),
]);

const moderationRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(moderationPartSchema).min(1)]),
});

const speechRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.string().min(1),
  instructions: z.string().optional(),
  response_format: z.string().optional(),
  stream_format: z.enum(['audio', 'sse']).optional(),
});

const roles = new Set<string>(chatRoles);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTokenCount(value: unknown): boolean {
  return value == null || (Number.isSafeInteger(value) && (value as number) > 0);
}

/**
 * True when `body` surely passes {@link chatRequestSchema}: the usual request, checked by hand in a
 * fraction of zod's time (zod's parse was ~1.5 % of a request's CPU). Anything else goes to the schema,
 * which decides and names the problem, so this may say false for a valid body but never true for an
 * invalid one.
 */
function isPlainChatRequest(body: Record<string, unknown>): boolean {
  const { model, messages, stream, stream_options: streamOptions } = body;
  if (typeof model !== 'string' || model.length === 0) return false;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages) if (!isPlainObject(message) || !roles.has(message.role as string)) return false;
  if (stream != null && typeof stream !== 'boolean') return false;
  if (streamOptions != null && !(isPlainObject(streamOptions) && (streamOptions.include_usage === undefined || typeof streamOptions.include_usage === 'boolean'))) return false;
  return isTokenCount(body.max_tokens) && isTokenCount(body.max_completion_tokens) && isTokenCount(body.n);
}

function toRequestError(error: z.ZodError, body: unknown): GatewayError {
  const issue = error.issues[0]!;
  const param = formatIssuePath(issue.path);
  const missing = issue.code === 'invalid_type' && getPath(body, issue.path) === undefined;
  const message = missing ? `The request is missing the required field "${param}".` : `The request field "${param}" is invalid: ${issue.message}.`;
  return new GatewayError('TOLLGATE_INVALID_REQUEST', message, { param });
}

function getPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function requireObject(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'The request body must be a JSON object.');
  }
}

/**
 * Checks a parsed body as a chat completion request and returns it unchanged (the same object, so it
 * still matches the client's bytes). Throws a 400 naming the first bad field.
 */
export function validateChatRequest(body: unknown): ChatCompletionRequest {
  requireObject(body);
  if (isPlainChatRequest(body as Record<string, unknown>)) return body as ChatCompletionRequest;
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  return body as ChatCompletionRequest;
}

/** Checks a parsed body as a rerank request (`model`, a non-empty `query`, 1 to 10,000 `documents` as strings or `{ text }`, `top_n`); as {@link validateChatRequest}. */
export function validateRerankRequest(body: unknown): RerankRequest {
  requireObject(body);
  const result = rerankRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  return body as RerankRequest;
}

/**
 * Checks a parsed body as an image generation request (`model`, a non-empty `prompt`, a positive
 * integer `n`), or an image edit's form (its image uploaded too); as {@link validateChatRequest}. A
 * streamed one (`stream: true`) belongs to the engine's streaming path.
 */
export function validateImageRequest(body: unknown): ImageGenerationRequest {
  const request = validateStreamedImageRequest(body);
  // An ingress sends a streamed one to `engine.handleImagesStream`.
  if (request.stream === true) throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'A streamed image generation (`stream: true`) is answered as a stream, not whole.', { param: 'stream' });
  return request;
}

/** Checks an image request as {@link validateImageRequest} does, `stream: true` allowed; an edit must upload an image to start from. */
export function validateStreamedImageRequest(body: unknown): ImageGenerationRequest {
  requireObject(body);
  const result = imageRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  const request = body as ImageGenerationRequest;
  if (request.task === 'edit' && imagesToEdit(request).length === 0) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'An image edit needs the image to edit: upload it as the form\'s `image` field (`image[]` for several).', { param: 'image' });
  }
  return request;
}

/**
 * Checks a parsed body as a moderation request (`input` a text, texts, or text and image parts;
 * `model` optional); as {@link validateChatRequest}. A request that names no model is for
 * `omni-moderation-latest`, as at OpenAI: the canonical request names it (the client's bytes do not).
 */
export function validateModerationRequest(body: unknown): ModerationRequest {
  requireObject(body);
  const result = moderationRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  const request = body as { model?: string };
  request.model ??= defaultModerationModel;
  return body as ModerationRequest;
}

/**
 * Checks a transcription request as the ingress read its form (a `model`, a `file`); as
 * {@link validateChatRequest}. A streamed one (`stream=true`) belongs to the engine's streaming path.
 */
export function validateTranscriptionRequest(body: unknown): TranscriptionRequest {
  const request = validateStreamedTranscriptionRequest(body);
  // An ingress sends a streamed one to `engine.handleTranscriptionStream`.
  if (request.stream === 'true') throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'A streamed transcription (`stream=true`) is answered as a stream, not whole.', { param: 'stream' });
  return request;
}

/** Checks a transcription request as {@link validateTranscriptionRequest} does, `stream=true` allowed. */
export function validateStreamedTranscriptionRequest(body: unknown): TranscriptionRequest {
  requireObject(body);
  const request = body as Partial<TranscriptionRequest>;
  if (typeof request.model !== 'string' || request.model.length === 0) throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'The request is missing the required field "model".', { param: 'model' });
  if (typeof request.file !== 'object' || request.file === null) throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'The request is missing the required field "file" (the audio, as a file field of the form).', { param: 'file' });
  return body as TranscriptionRequest;
}

/** Checks a parsed body as a speech request (`model`, a non-empty `input`, `stream_format` `audio` or `sse`); as {@link validateChatRequest}. */
export function validateSpeechRequest(body: unknown): SpeechRequest {
  requireObject(body);
  const result = speechRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  return body as SpeechRequest;
}

/** Checks a parsed body as an embeddings request; as {@link validateChatRequest}. */
export function validateEmbeddingRequest(body: unknown): EmbeddingRequest {
  requireObject(body);
  const result = embeddingRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  return body as EmbeddingRequest;
}
