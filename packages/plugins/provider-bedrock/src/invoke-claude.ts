import { GatewayError, type StreamSummary } from '@tollgate/core';
import { AnthropicEventTap, anthropicToolCallIds, fitMessagesToolIds } from '@tollgate/provider-utils';
import { toBedrockStreamError } from './bedrock-error.js';
import { decodeEventStream } from './decode-event-stream.js';

/** The `anthropic_version` InvokeModel requires in a Claude request's body. */
const bedrockAnthropicVersion = 'bedrock-2023-05-31';

/**
 * Whether a Bedrock model id names a Claude model (`anthropic.claude-…`, with a cross-region prefix
 * such as `us.` or `global.`, or inside an inference profile's ARN): InvokeModel takes the Messages
 * API's body for it.
 */
export function isClaudeModel(model: string): boolean {
  return model.includes('anthropic.claude');
}

/**
 * A Messages API client's body as InvokeModel takes it for Claude: without `model` (the path names it)
 * and `stream` (the operation says it), with `anthropic_version`, the client's `anthropic-beta` flags
 * as `anthropic_beta` (Bedrock reads no such header) unless the body has its own, and the provider's
 * `additionalModelRequestFields` under what the client set, and the gateway's `overrides` over it.
 * Everything else goes as the client sent it — thinking and its signed history, `cache_control` marks,
 * tools — but for another model's tool call ids, fitted to the pattern Claude takes.
 */
export function claudeInvokeBody(rawBody: Uint8Array, clientBetas: string | readonly string[] | undefined, additional: Readonly<Record<string, unknown>> | undefined, overrides?: Readonly<Record<string, unknown>>): string {
  const { model: _model, stream: _stream, ...fields } = JSON.parse(Buffer.from(rawBody).toString('utf8')) as Record<string, unknown>;
  // Another model's tool call ids that Claude's pattern refuses (Gemini's signed ones, Kimi's), fitted.
  fitMessagesToolIds(fields, anthropicToolCallIds);
  const betas = (typeof clientBetas === 'string' ? [clientBetas] : (clientBetas ?? [])).flatMap((value) => value.split(',')).map((beta) => beta.trim()).filter(Boolean);
  return JSON.stringify({
    ...additional,
    ...fields,
    anthropic_version: typeof fields.anthropic_version === 'string' ? fields.anthropic_version : bedrockAnthropicVersion,
    ...(betas.length > 0 && fields.anthropic_beta === undefined ? { anthropic_beta: [...new Set(betas)] } : {}),
    ...overrides,
  });
}

/**
 * The Messages API events of an InvokeModelWithResponseStream answer, as JSON text: each `chunk`
 * frame's base64 `bytes`. An exception frame (throttling, a model stream error) fails the stream.
 */
export async function* claudeEventTexts(body: AsyncIterable<Uint8Array>, provider: string, secrets: readonly string[]): AsyncGenerator<string> {
  for await (const message of decodeEventStream(body, provider)) {
    if (message.messageType !== 'event') throw toBedrockStreamError(provider, message.type, message.payload, secrets);
    if (message.type !== 'chunk') continue;
    const bytes = (JSON.parse(message.payload) as { bytes?: unknown }).bytes;
    if (typeof bytes !== 'string') throw new GatewayError('TOLLGATE_UPSTREAM_INVALID_RESPONSE', `Provider "${provider}" sent a stream chunk without its bytes.`);
    yield Buffer.from(bytes, 'base64').toString('utf8');
  }
}

/** The events, parsed. */
export async function* parsedClaudeEvents(texts: AsyncIterable<string>): AsyncGenerator<Record<string, any>> {
  for await (const text of texts) yield JSON.parse(text) as Record<string, any>;
}

/**
 * Claude's stream on Bedrock as the Messages API streams it, for an Anthropic client: each event as
 * an SSE frame (`event:` its type, `data:` its JSON as Bedrock sent it, one write per event), tapping
 * usage, model, id and the stop reason into `summary`. An `error` event inside a chunk, an exception
 * frame, or an end before message_stop fails the stream after the events before it.
 */
export async function* claudeEventsAsSse(texts: AsyncIterable<string>, summary: StreamSummary, provider: string, secrets: readonly string[]): AsyncGenerator<Uint8Array> {
  const tap = new AnthropicEventTap(summary, provider, secrets);
  for await (const text of texts) {
    const event = JSON.parse(text) as Record<string, any>;
    const error = tap.note(event);
    if (error !== undefined) throw error;
    yield Buffer.from(`event: ${String(event.type)}\ndata: ${text}\n\n`);
  }
  if (!tap.stopped) throw tap.truncated();
}
