import { z } from 'zod';
import { formatIssuePath } from '../config/format-issue-path.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ChatCompletionRequest } from '../types/chat-completion-request.js';
import type { EmbeddingRequest } from '../types/embedding-request.js';

const tokenCount = z.number().int().positive().nullish();

// Only what the engine relies on is checked; every other field is the upstream's to validate.
const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']) })).min(1),
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
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  return body as ChatCompletionRequest;
}

/** Checks a parsed body as an embeddings request; as {@link validateChatRequest}. */
export function validateEmbeddingRequest(body: unknown): EmbeddingRequest {
  requireObject(body);
  const result = embeddingRequestSchema.safeParse(body);
  if (!result.success) throw toRequestError(result.error, body);
  return body as EmbeddingRequest;
}
