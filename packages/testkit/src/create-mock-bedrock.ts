import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildAnthropicAnswer, emptyContent, invalidToolIds, missingThinking } from './anthropic-answer.js';
import { bedrockErrorHeaders, bedrockErrorStatus, bedrockEvent, bedrockExceptionEvent, bedrockUsage } from './bedrock-wire.js';
import type { MockAnthropicReply } from './mock-anthropic-reply.js';
import type { MockBedrockReply } from './mock-bedrock-reply.js';
import { applyStopSequences, sendJson, startMockServer, writeMockStream, type MockUpstream } from './mock-server.js';
import type { RecordedRequest } from './recorded-request.js';
import { scoreDocuments } from './rerank-wire.js';
import { verifySigV4, type MockAwsCredentials } from './verify-sigv4.js';
import { mockEmbedding } from './openai-wire.js';

/** Options of {@link createMockBedrock}. */
export interface MockBedrockOptions {
  readonly port?: number;
  /** The region requests must be signed for. */
  readonly region?: string;
  /** When set, every request's SigV4 signature is recomputed with this secret and must match. */
  readonly credentials?: MockAwsCredentials;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (a Bedrock API key) instead. */
  readonly apiKey?: string;
  /**
   * A model's most output tokens on Bedrock: a Converse `inferenceConfig.maxTokens` past it is refused as
   * Bedrock refuses it (`ValidationException: The maximum tokens you requested exceeds the model limit of
   * 4096. Try again with a maximum tokens value that is lower than 4096.`). Unlimited by default.
   */
  readonly maxOutputTokens?: (modelId: string) => number | undefined;
}

/** A running Bedrock Runtime mock upstream. */
export interface MockBedrock extends MockUpstream<MockBedrockReply> {
  /** The value for a provider's `baseURL`. */
  readonly baseURL: string;
  /** The region it checks signatures for. */
  readonly region: string;
}

const route = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
/** InvokeModel: the model's native body (Claude's: the Messages API's). */
/** A 1×1 PNG, base64: every image the mock's image models draw. */
export const bedrockMockImage = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const invokeRoute = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;
const countRoute = /^\/model\/([^/]+)\/count-tokens$/;
/** A cross-region inference profile's id (`us.anthropic.…`): CountTokens takes foundation-model ids only. */
const inferenceProfile = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\./;

/** The Anthropic model name Bedrock answers with for a model id (`us.anthropic.claude-sonnet-4-5-20250929-v1:0` → `claude-sonnet-4-5-20250929`). */
function claudeModelName(modelId: string): string {
  return modelId.replace(/^(?:[a-z]+\.)?anthropic\./, '').replace(/-v\d+(?::\d+)?$/, '');
}

/** What InvokeModel refuses of a Messages body for Claude, with Bedrock's messages (its JSON-schema check, then Claude's own). */
function invalidMessagesBody(body: any): string | undefined {
  if (body === undefined || typeof body !== 'object' || body === null) return 'Malformed input request, please reformat your input and try again.';
  for (const key of ['model', 'stream']) {
    if (key in body) return `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`;
  }
  for (const key of ['anthropic_version', 'max_tokens', 'messages']) {
    if (!(key in body)) return `Malformed input request: #: required key [${key}] not found, please reformat your input and try again.`;
  }
  if (body.anthropic_version !== 'bedrock-2023-05-31') return 'Invalid API version: anthropic_version must be bedrock-2023-05-31.';
  if (body.anthropic_beta !== undefined && (!Array.isArray(body.anthropic_beta) || body.anthropic_beta.some((flag: unknown) => typeof flag !== 'string'))) {
    return 'Malformed input request: #/anthropic_beta: expected type: JSONArray, please reformat your input and try again.';
  }
  return emptyContent(body) ?? invalidToolIds(body) ?? missingThinking(body);
}

/** A Bedrock reply as the Anthropic answer builder takes it. */
function asAnthropicReply(reply: MockBedrockReply, sequence: number): MockAnthropicReply {
  return {
    ...(reply.content === undefined ? {} : { content: reply.content }),
    ...(reply.reasoning === undefined ? {} : { thinking: reply.reasoning }),
    ...(reply.stopReason === undefined ? {} : { stopReason: reply.stopReason }),
    ...(reply.toolUses === undefined ? {} : { toolUses: reply.toolUses.map((use, index) => ({ id: use.toolUseId ?? `toolu_bdrk_mock${sequence}_${index}`, name: use.name, input: use.input })) }),
    usage: {
      ...(reply.usage?.inputTokens === undefined ? {} : { input_tokens: reply.usage.inputTokens }),
      ...(reply.usage?.outputTokens === undefined ? {} : { output_tokens: reply.usage.outputTokens }),
      ...(reply.usage?.cacheReadInputTokens === undefined ? {} : { cache_read_input_tokens: reply.usage.cacheReadInputTokens }),
      ...(reply.usage?.cacheWriteInputTokens === undefined ? {} : { cache_creation_input_tokens: reply.usage.cacheWriteInputTokens }),
    },
    ...(reply.stream?.inputJsonPieces === undefined ? {} : { stream: { inputJsonPieces: reply.stream.inputJsonPieces } }),
  } as MockAnthropicReply;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Words of every text block of `messages` and `system`: the mock's token count. */
function promptWords(body: any): number {
  let count = 0;
  for (const block of Array.isArray(body?.system) ? body.system : []) if (typeof block?.text === 'string') count += words(block.text);
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    for (const block of Array.isArray(message?.content) ? message.content : []) if (typeof block?.text === 'string') count += words(block.text);
  }
  return count;
}

function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((message) => message?.role === 'user');
  const blocks: any[] = Array.isArray(last?.content) ? last.content : [];
  return blocks.filter((block) => typeof block?.text === 'string').map((block) => block.text).join(' ');
}

/** What Converse rejects before calling the model, with Bedrock's messages. */
function invalidRequest(body: any): string | undefined {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  if (messages.length === 0) return 'The model returned the following errors: messages: at least one message is required';
  if (messages[0]?.role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  for (let index = 1; index < messages.length; index += 1) {
    if (messages[index]?.role === messages[index - 1]?.role) return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
  }
  const usesTools = messages.some((message) => (Array.isArray(message?.content) ? message.content : []).some((block: any) => block?.toolUse !== undefined || block?.toolResult !== undefined));
  if (usesTools && body?.toolConfig === undefined) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  for (const message of messages) {
    if (!Array.isArray(message?.content) || message.content.length === 0) return 'The content field in the Message object is empty. Add a ContentBlock object to the content field and try again.';
  }
  for (const [index, message] of messages.entries()) {
    const blank = (message.content as any[]).findIndex((block: any) => typeof block?.text === 'string' && block.text.trim() === '');
    if (blank !== -1) return `The text field in the ContentBlock object at messages.${index}.content.${blank} is blank. Add text to the text field, and try again.`;
  }
  const blankSystem = (Array.isArray(body?.system) ? body.system : []).findIndex((block: any) => typeof block?.text === 'string' && block.text.trim() === '');
  if (blankSystem !== -1) return `The text field in the SystemContentBlock object at system.${blankSystem} is blank. Add text to the text field, and try again.`;
  for (const [index, message] of messages.entries()) {
    for (const [position, block] of (message.content as any[]).entries()) {
      const kind = block?.toolUse !== undefined ? 'toolUse' : block?.toolResult !== undefined ? 'toolResult' : undefined;
      const id = kind === undefined ? undefined : String(block[kind].toolUseId);
      if (id !== undefined && (!/^[a-zA-Z0-9_-]+$/.test(id) || id.length > 64)) {
        return `1 validation error detected: Value at 'messages.${index + 1}.member.content.${position + 1}.member.${kind}.toolUseId' failed to satisfy constraint: ${id.length > 64 ? 'Member must have length less than or equal to 64' : 'Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+'}`;
      }
    }
  }
  return missingReasoning(body, messages);
}

/**
 * What Claude refuses through Converse with thinking on (`additionalModelRequestFields.thinking`): a
 * budget under 1,024 tokens or not under `maxTokens` (4,096 when the request sets none), or with a
 * forced tool (`toolChoice` any or a named tool); the assistant
 * turn a tool loop continues that does not start with its reasoning, signed (or redacted).
 */
function missingReasoning(body: any, messages: any[]): string | undefined {
  const thinking = body?.additionalModelRequestFields?.thinking;
  if (thinking?.type === 'enabled') {
    if (typeof thinking.budget_tokens !== 'number' || thinking.budget_tokens < 1024) return 'The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (thinking.budget_tokens >= (body.inferenceConfig?.maxTokens ?? 4096)) return 'The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens`.';
    const choice = body.toolConfig?.toolChoice;
    if (choice?.any !== undefined || choice?.tool !== undefined) return 'The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.';
  }
  if (thinking?.type !== 'enabled' || messages.length < 2) return undefined;
  const continuesTools = (messages.at(-1)?.content as any[]).some((block: any) => block?.toolResult !== undefined);
  const assistant = messages.at(-2);
  if (!continuesTools || assistant?.role !== 'assistant') return undefined;
  const reasoning = assistant.content[0]?.reasoningContent;
  if (typeof reasoning?.redactedContent === 'string' || (typeof reasoning?.reasoningText?.signature === 'string' && reasoning.reasoningText.signature !== '')) return undefined;
  return `The model returned the following errors: messages.${messages.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${reasoning === undefined ? 'text or tool_use' : 'thinking without a signature'}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`;
}

/**
 * What Claude refuses of Converse's sampling settings: with thinking on, a temperature but 1 or a
 * `topP` under 0.95; from Opus 4.1, Sonnet 4.5 and Haiku 4.5 on, `temperature` and `topP` together.
 */
function claudeSamplingRefusal(modelId: string, body: any): string | undefined {
  if (!/anthropic\.claude/.test(modelId)) return undefined;
  const { temperature, topP } = body?.inferenceConfig ?? {};
  if (body?.additionalModelRequestFields?.thinking?.type === 'enabled') {
    if (temperature !== undefined && temperature !== 1) return 'The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking';
    if (topP !== undefined && topP < 0.95) return 'The model returned the following errors: `top_p` must be greater than or equal to 0.95 or unset when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking';
  }
  const version = /claude-(?:opus|sonnet|haiku)-(\d+)(?:-(\d)(?!\d))?/.exec(modelId);
  const laterThan4 = version !== null && (Number(version[1]) > 4 || (Number(version[1]) === 4 && Number(version[2] ?? 0) >= 1));
  if (laterThan4 && temperature !== undefined && topP !== undefined) return 'The model returned the following errors: `temperature` and `top_p` cannot both be specified for this model. Please use only one.';
  return undefined;
}

/** Bedrock's reranker models, as the Rerank API names them in a foundation model's ARN. */
const rerankModelArn = /^arn:aws:bedrock:[a-z0-9-]+::foundation-model\/(?:amazon\.rerank-v1:0|cohere\.rerank-v3-5:0)$/;

/**
 * Answers the Agent Runtime's `POST /rerank` as Bedrock does: one `TEXT` query, 1 to 1,000 `INLINE`
 * `TEXT` sources, a `BEDROCK_RERANKING_MODEL` configuration naming a reranker's ARN, `numberOfResults`
 * at most the sources; `{ results: [{ index, relevanceScore }] }`, best first (no usage: Bedrock bills
 * reranking per query).
 */
function answerRerank(body: any, res: ServerResponse, fail: (type: string, message: string) => void): void {
  const queries: any[] = Array.isArray(body?.queries) ? body.queries : [];
  const sources: any[] = Array.isArray(body?.sources) ? body.sources : [];
  const configuration = body?.rerankingConfiguration;
  const bedrock = configuration?.bedrockRerankingConfiguration;
  if (queries.length !== 1 || queries[0]?.type !== 'TEXT' || typeof queries[0]?.textQuery?.text !== 'string') {
    return fail('ValidationException', "1 validation error detected: Value at 'queries' failed to satisfy constraint: Member must have length less than or equal to 1 and hold one TEXT query");
  }
  if (sources.length === 0 || sources.length > 1000 || sources.some((source) => source?.type !== 'INLINE' || source.inlineDocumentSource?.type !== 'TEXT' || typeof source.inlineDocumentSource?.textDocument?.text !== 'string')) {
    return fail('ValidationException', "1 validation error detected: Value at 'sources' failed to satisfy constraint: Member must have length between 1 and 1000, each an INLINE TEXT document");
  }
  if (configuration?.type !== 'BEDROCK_RERANKING_MODEL' || typeof bedrock?.modelConfiguration?.modelArn !== 'string') {
    return fail('ValidationException', "1 validation error detected: Value at 'rerankingConfiguration' failed to satisfy constraint: Member must not be null");
  }
  if (!rerankModelArn.test(bedrock.modelConfiguration.modelArn)) return fail('ValidationException', `The provided model identifier is invalid: ${bedrock.modelConfiguration.modelArn}`);
  if (typeof bedrock.numberOfResults === 'number' && bedrock.numberOfResults > sources.length) return fail('ValidationException', 'numberOfResults must be less than or equal to the number of sources.');
  const scored = scoreDocuments(queries[0].textQuery.text, sources.map((source) => source.inlineDocumentSource.textDocument.text));
  const top = typeof bedrock.numberOfResults === 'number' ? scored.slice(0, bedrock.numberOfResults) : scored;
  sendJson(res, 200, { results: top.map(({ index, relevance_score }) => ({ index, relevanceScore: relevance_score })) });
}

/**
 * Starts a faithful Amazon Bedrock Runtime upstream on 127.0.0.1: `POST /model/{modelId}/converse`
 * (JSON) and `/model/{modelId}/converse-stream` (`application/vnd.amazon.eventstream` frames with CRCs:
 * messageStart, contentBlockStart/Delta/Stop with text, `toolUse.input` fragments and reasoning,
 * messageStop, metadata with usage; a modeled exception frame on a fault). Every request's SigV4
 * signature is recomputed and checked (or its Bedrock API key), errors come with `x-amzn-ErrorType`,
 * and Converse's own validation is applied: the first message from the user, roles alternating, a
 * `toolConfig` wherever tool blocks appear, and with Claude's thinking on, signed reasoning at the head
 * of the assistant turn a tool loop continues. `/model/{modelId}/invoke` and
 * `/invoke-with-response-stream` serve Claude's Messages API body as InvokeModel does (see
 * `answerInvoke`): `model` and `stream` refused as extraneous keys, `anthropic_version` required.
 * `/model/{modelId}/count-tokens` counts the words of a Converse (`input.converse`) or InvokeModel
 * (`input.invokeModel.body`, base64) request for a Claude foundation model, refusing inference profiles.
 * `POST /rerank` is the Agent Runtime's Rerank API (served on the same port; see `answerRerank`).
 *
 * @example
 * const mock = await createMockBedrock({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDMOCK', secretAccessKey: 'secret' } });
 * mock.enqueue({ toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] });
 */
export async function createMockBedrock(options: MockBedrockOptions = {}): Promise<MockBedrock> {
  const region = options.region ?? 'us-east-1';
  let sequence = 0;

  async function handle(request: RecordedRequest, res: ServerResponse, takeReply: () => MockBedrockReply | undefined): Promise<void> {
    const body: any = request.body;
    const fail = (type: string, message: string, status = bedrockErrorStatus[type] ?? 500, headers: Record<string, string> = {}) => sendJson(res, status, { message }, { ...bedrockErrorHeaders(type), ...headers });
    if (options.apiKey !== undefined) {
      if (request.headers.authorization !== `Bearer ${options.apiKey}`) return fail('UnrecognizedClientException', 'Invalid API Key format: Must start with pre-defined prefix');
    } else if (options.credentials !== undefined) {
      const problem = await verifySigV4(request, options.credentials, region, 'bedrock');
      if (problem !== undefined) return fail(problem.startsWith('The request signature') ? 'InvalidSignatureException' : 'UnrecognizedClientException', problem);
    }
    const path = request.path.split('?')[0]!;
    if (request.method === 'POST' && path === '/rerank') return answerRerank(body, res, fail);
    const count = request.method === 'POST' ? countRoute.exec(path) : null;
    if (count !== null) {
      const modelId = decodeURIComponent(count[1]!);
      if (inferenceProfile.test(modelId) || !/anthropic\.claude/.test(modelId)) return fail('ValidationException', "The provided model doesn't support counting tokens.");
      const input = body?.input;
      const kinds = input === null || typeof input !== 'object' ? [] : Object.keys(input);
      if (kinds.length !== 1 || (kinds[0] !== 'converse' && kinds[0] !== 'invokeModel')) return fail('ValidationException', '1 validation error detected: Value at \'input\' failed to satisfy constraint: Member must have exactly one of converse, invokeModel set');
      const counted = kinds[0] === 'converse' ? input.converse : JSON.parse(Buffer.from(String(input.invokeModel?.body ?? ''), 'base64').toString('utf8') || '{}');
      const invalid = kinds[0] === 'converse' ? invalidRequest(counted) : invalidMessagesBody(counted);
      if (invalid !== undefined) return fail('ValidationException', invalid);
      return sendJson(res, 200, { inputTokens: Math.max(1, promptWords(counted)) });
    }
    const invoke = request.method === 'POST' ? invokeRoute.exec(path) : null;
    const match = route.exec(path);
    if (invoke !== null && invoke[2] === 'invoke' && /amazon\.titan-embed-text/.test(decodeURIComponent(invoke[1]!))) return answerTitanEmbedding(decodeURIComponent(invoke[1]!), body, res, fail);
    if (invoke !== null && invoke[2] === 'invoke' && /cohere\.embed-/.test(decodeURIComponent(invoke[1]!))) return answerCohereEmbedding(decodeURIComponent(invoke[1]!), body, res, fail);
    if (invoke !== null && invoke[2] === 'invoke' && /amazon\.(nova-canvas|titan-image-generator)/.test(decodeURIComponent(invoke[1]!))) return answerImageGeneration(body, res, fail);
    if (invoke !== null && invoke[2] === 'invoke' && /stability\./.test(decodeURIComponent(invoke[1]!))) return answerStabilityImage(body, res, fail);
    if (invoke !== null) {
      const modelId = decodeURIComponent(invoke[1]!);
      if (!/anthropic\.claude/.test(modelId)) return fail('ValidationException', `The mock serves InvokeModel for Claude models, Titan and Cohere embeddings and image models only; got ${modelId}.`);
      const invalid = invalidMessagesBody(body);
      if (invalid !== undefined) return fail('ValidationException', invalid);
    } else {
      if (request.method !== 'POST' || match === null) return fail('UnknownOperationException', `Unknown operation: ${request.method} ${request.path}`, 404);
      if (body === undefined) return fail('ValidationException', 'Malformed input request, please reformat your input and try again.');
      const modelId = decodeURIComponent(match[1]!);
      const most = options.maxOutputTokens?.(modelId);
      const asked = body.inferenceConfig?.maxTokens;
      const tooMany = most !== undefined && typeof asked === 'number' && asked > most ? `The maximum tokens you requested exceeds the model limit of ${most}. Try again with a maximum tokens value that is lower than ${most}.` : undefined;
      const invalid = invalidRequest(body) ?? tooMany ?? claudeSamplingRefusal(modelId, body);
      if (invalid !== undefined) return fail('ValidationException', invalid);
    }

    const reply = takeReply() ?? {};
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (reply.hang === true) return;
    if (reply.error !== undefined) return fail(reply.error.type, reply.error.message, reply.status, { ...reply.headers });
    if (reply.body !== undefined) return sendJson(res, reply.status ?? 200, reply.body, reply.headers);
    if (invoke !== null) return answerInvoke(decodeURIComponent(invoke[1]!), invoke[2] === 'invoke-with-response-stream', body, reply, res);
    const stream = match![2] === 'converse-stream';

    sequence += 1;
    const config = body.inferenceConfig ?? {};
    const stops: string[] = Array.isArray(config.stopSequences) ? config.stopSequences : [];
    let { text, stoppedAt } = applyStopSequences(reply.content ?? `Mock answer to: ${lastUserText(body)}`, stops);
    let stopReason = stoppedAt !== undefined ? 'stop_sequence' : 'end_turn';
    if (typeof config.maxTokens === 'number' && words(text) > config.maxTokens) {
      text = text.split(/(?<= )/).slice(0, config.maxTokens).join('');
      stopReason = 'max_tokens';
    }
    const toolUses = (reply.toolUses ?? []).map((use, index) => ({ toolUseId: use.toolUseId ?? `tooluse_mock${sequence}_${index}`, name: use.name, input: use.input }));
    if (toolUses.length > 0) stopReason = 'tool_use';
    stopReason = reply.stopReason ?? stopReason;
    const input = reply.usage?.inputTokens ?? Math.max(1, promptWords(body));
    const output = reply.usage?.outputTokens ?? words(text) + toolUses.length * 5 + (reply.reasoning === undefined ? 0 : words(reply.reasoning));
    const usage = bedrockUsage(input, output, reply.usage?.cacheReadInputTokens, reply.usage?.cacheWriteInputTokens);
    const blocks: object[] = [
      ...(reply.reasoning === undefined ? [] : [{ reasoningContent: { reasoningText: { text: reply.reasoning, signature: 'mock-signature' } } }]),
      ...(text === '' && toolUses.length > 0 ? [] : [{ text }]),
      ...toolUses.map((toolUse) => ({ toolUse })),
    ];

    if (!stream) {
      return sendJson(res, 200, { output: { message: { role: 'assistant', content: blocks } }, stopReason, usage, metrics: { latencyMs: 42 } }, { 'x-amzn-requestid': `mock-${sequence}`, ...reply.headers });
    }

    const shape = reply.stream ?? {};
    const events: Uint8Array[] = [bedrockEvent('messageStart', { role: 'assistant' })];
    blocks.forEach((block, contentBlockIndex) => {
      if ('reasoningContent' in block) {
        events.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { reasoningContent: { text: reply.reasoning } } }));
        events.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { reasoningContent: { signature: 'mock-signature' } } }));
      } else if ('text' in block) {
        for (const piece of (block as { text: string }).text.split(/(?<= )/)) events.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { text: piece } }));
      } else {
        const { toolUse } = block as { toolUse: { toolUseId: string; name: string; input: unknown } };
        events.push(bedrockEvent('contentBlockStart', { contentBlockIndex, start: { toolUse: { toolUseId: toolUse.toolUseId, name: toolUse.name } } }));
        const json = JSON.stringify(toolUse.input);
        const size = Math.ceil(json.length / Math.max(1, shape.inputJsonPieces ?? 3));
        for (let start = 0; start < json.length; start += size) events.push(bedrockEvent('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: json.slice(start, start + size) } } }));
      }
      events.push(bedrockEvent('contentBlockStop', { contentBlockIndex }));
    });
    events.push(bedrockEvent('messageStop', { stopReason }));
    events.push(bedrockEvent('metadata', { usage, metrics: { latencyMs: 42 } }));

    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': `mock-${sequence}`, ...reply.headers });
    const exceptionType = shape.exceptionType ?? 'throttlingException';
    await writeMockStream(res, events, shape, { errorEvent: bedrockExceptionEvent(exceptionType, exceptionType === 'throttlingException' ? 'Too many requests, please wait before trying again.' : 'The system encountered an unexpected error during processing. Try your request again.') });
  }

  /**
   * InvokeModel for Titan Text Embeddings: `{inputText, dimensions?, normalize?}` (v2 takes 256, 512 or
   * 1,024 dimensions, 1,024 by default; v1 no `dimensions`, 1,536) → `{embedding, inputTextTokenCount}`
   * (the text's words), with the input token count in `x-amzn-bedrock-input-token-count` too.
   */
  function answerTitanEmbedding(modelId: string, body: any, res: ServerResponse, fail: (type: string, message: string) => void): void {
    const v2 = modelId.includes('titan-embed-text-v2');
    if (typeof body?.inputText !== 'string' || body.inputText === '') return fail('ValidationException', 'Malformed input request: #: required key [inputText] not found, please reformat your input and try again.');
    const extraneous = Object.keys(body).find((key) => !['inputText', ...(v2 ? ['dimensions', 'normalize', 'embeddingTypes'] : [])].includes(key));
    if (extraneous !== undefined) return fail('ValidationException', `Malformed input request: #: extraneous key [${extraneous}] is not permitted, please reformat your input and try again.`);
    if (body.dimensions !== undefined && ![256, 512, 1024].includes(body.dimensions)) return fail('ValidationException', `Malformed input request: #/dimensions: ${String(body.dimensions)} is not a valid enum value, please reformat your input and try again.`);
    sequence += 1;
    const tokens = Math.max(1, words(body.inputText));
    sendJson(res, 200, { embedding: mockEmbedding(body.inputText, body.dimensions ?? (v2 ? 1024 : 1536)), inputTextTokenCount: tokens }, { 'x-amzn-requestid': `mock-${sequence}`, 'x-amzn-bedrock-input-token-count': String(tokens) });
  }

  /**
   * InvokeModel for Cohere's Embed models, as Bedrock's model parameters document them: `{texts (1–96),
   * input_type (search_document, search_query, classification, clustering: required), truncate?,
   * embedding_types?}` and on v4 `output_dimension?` (256, 512, 1,024, 1,536) → `{id, texts,
   * embeddings, response_type}`: `embeddings` a list of vectors (`embeddings_floats`), or by type
   * (`{float: [...]}`, `embeddings_by_type`) when `embedding_types` is given; vectors of 1,024 (v3) or
   * 1,536 (v4) numbers. No token count in the body: the texts' words in `x-amzn-bedrock-input-token-count`.
   */
  function answerCohereEmbedding(modelId: string, body: any, res: ServerResponse, fail: (type: string, message: string) => void): void {
    const v4 = modelId.includes('cohere.embed-v4');
    const texts = body?.texts;
    if (!Array.isArray(texts) || texts.length === 0 || texts.length > 96 || texts.some((text: unknown) => typeof text !== 'string')) return fail('ValidationException', 'Malformed input request: #/texts: expected an array of 1 to 96 strings, please reformat your input and try again.');
    if (!['search_document', 'search_query', 'classification', 'clustering'].includes(body.input_type)) return fail('ValidationException', 'Malformed input request: #: required key [input_type] not found, please reformat your input and try again.');
    const extraneous = Object.keys(body).find((key) => !['texts', 'input_type', 'truncate', 'embedding_types', ...(v4 ? ['output_dimension', 'max_tokens', 'images', 'inputs'] : ['images'])].includes(key));
    if (extraneous !== undefined) return fail('ValidationException', `Malformed input request: #: extraneous key [${extraneous}] is not permitted, please reformat your input and try again.`);
    if (body.output_dimension !== undefined && ![256, 512, 1024, 1536].includes(body.output_dimension)) return fail('ValidationException', `Malformed input request: #/output_dimension: ${String(body.output_dimension)} is not a valid enum value, please reformat your input and try again.`);
    sequence += 1;
    const vectors = texts.map((text: string) => mockEmbedding(text, body.output_dimension ?? (v4 ? 1536 : 1024)));
    const tokens = texts.reduce((sum: number, text: string) => sum + Math.max(1, words(text)), 0);
    const byType = Array.isArray(body.embedding_types);
    sendJson(res, 200, { id: `mock-embed-${sequence}`, texts, embeddings: byType ? { float: vectors } : vectors, response_type: byType ? 'embeddings_by_type' : 'embeddings_floats' }, { 'x-amzn-requestid': `mock-${sequence}`, 'x-amzn-bedrock-input-token-count': String(tokens) });
  }

  /**
   * InvokeModel for Amazon's image models (Nova Canvas, Titan Image Generator v2), `TEXT_IMAGE`:
   * `{taskType, textToImageParams: {text}, imageGenerationConfig: {numberOfImages, width, height,
   * quality}}` → `{images: [base64 PNG…], error: null}`; a text with `forbidden` is filtered (`images`
   * empty, `error` saying so); a missing text, 1–5 images exceeded or a side outside 320–4,096 or not a
   * multiple of 16 → ValidationException.
   */
  function answerImageGeneration(body: any, res: ServerResponse, fail: (type: string, message: string) => void): void {
    if (body?.taskType !== 'TEXT_IMAGE') return fail('ValidationException', `Malformed input request: #/taskType: ${String(body?.taskType)} is not a valid enum value, please reformat your input and try again.`);
    const text = body.textToImageParams?.text;
    if (typeof text !== 'string' || text.length === 0 || text.length > 1024) return fail('ValidationException', 'Malformed input request: #/textToImageParams/text: expected minLength: 1, maxLength: 1024, please reformat your input and try again.');
    const config = body.imageGenerationConfig ?? {};
    const count = config.numberOfImages ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 5) return fail('ValidationException', `Malformed input request: #/imageGenerationConfig/numberOfImages: ${String(count)} is not in the range 1 to 5, please reformat your input and try again.`);
    for (const side of ['width', 'height'] as const) {
      const value = config[side];
      if (value !== undefined && (!Number.isInteger(value) || value < 320 || value > 4096 || value % 16 !== 0)) return fail('ValidationException', `Malformed input request: #/imageGenerationConfig/${side}: ${String(value)} must be a multiple of 16 from 320 to 4096, please reformat your input and try again.`);
    }
    sequence += 1;
    if (text.toLowerCase().includes('forbidden')) {
      return sendJson(res, 200, { images: [], error: 'This request has been blocked by our content filters. Please adjust your text prompt to submit a new request.' }, { 'x-amzn-requestid': `mock-${sequence}` });
    }
    sendJson(res, 200, { images: Array.from({ length: count }, () => bedrockMockImage), error: null }, { 'x-amzn-requestid': `mock-${sequence}` });
  }

  /**
   * InvokeModel for Stability AI's image models (Stable Image Ultra and Core, SD3.5): `{prompt,
   * aspect_ratio?, output_format?, seed?, negative_prompt?}` → one image, `{seeds, finish_reasons:
   * [null], images}`; a prompt with `forbidden` → `{finish_reasons: ["Filter reason: prompt"]}`, no
   * image; a missing prompt or an aspect ratio they do not draw at → ValidationException.
   */
  function answerStabilityImage(body: any, res: ServerResponse, fail: (type: string, message: string) => void): void {
    if (typeof body?.prompt !== 'string' || body.prompt === '') return fail('ValidationException', 'Malformed input request: #: required key [prompt] not found, please reformat your input and try again.');
    const ratios = ['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'];
    if (body.aspect_ratio !== undefined && !ratios.includes(body.aspect_ratio)) return fail('ValidationException', `Malformed input request: #/aspect_ratio: ${String(body.aspect_ratio)} is not a valid enum value, please reformat your input and try again.`);
    sequence += 1;
    if (body.prompt.toLowerCase().includes('forbidden')) return sendJson(res, 200, { finish_reasons: ['Filter reason: prompt'] }, { 'x-amzn-requestid': `mock-${sequence}` });
    sendJson(res, 200, { seeds: [1_000 + sequence], finish_reasons: [null], images: [bedrockMockImage] }, { 'x-amzn-requestid': `mock-${sequence}` });
  }

  /**
   * InvokeModel for Claude: the Messages API body without `model` and `stream` and with
   * `anthropic_version: bedrock-2023-05-31` (`anthropic_beta` for beta flags); the answer is Claude's
   * message, or its stream events base64-encoded in event-stream `chunk` frames (`{"bytes"}`), the
   * last carrying `amazon-bedrock-invocationMetrics`.
   */
  async function answerInvoke(modelId: string, stream: boolean, body: any, reply: MockBedrockReply, res: ServerResponse): Promise<void> {
    sequence += 1;
    const { message, events } = buildAnthropicAnswer(body, asAnthropicReply(reply, sequence), `msg_bdrk_mock${sequence}`, claudeModelName(modelId));
    const usage = message.usage as { input_tokens: number; output_tokens: number };
    const counts = { 'x-amzn-bedrock-input-token-count': String(usage.input_tokens), 'x-amzn-bedrock-output-token-count': String(usage.output_tokens) };
    if (!stream) return sendJson(res, 200, message, { 'x-amzn-requestid': `mock-${sequence}`, ...counts, ...reply.headers });
    const metrics = { inputTokenCount: usage.input_tokens, outputTokenCount: usage.output_tokens, invocationLatency: 42, firstByteLatency: 12 };
    const frames = events.map(({ type, data }) => {
      const json = JSON.stringify({ type, ...data, ...(type === 'message_stop' ? { 'amazon-bedrock-invocationMetrics': metrics } : {}) });
      return bedrockEvent('chunk', { bytes: Buffer.from(json).toString('base64') });
    });
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': `mock-${sequence}`, ...reply.headers });
    const shape = reply.stream ?? {};
    const exceptionType = shape.exceptionType ?? 'throttlingException';
    await writeMockStream(res, frames, shape, { errorEvent: bedrockExceptionEvent(exceptionType, exceptionType === 'throttlingException' ? 'Too many requests, please wait before trying again.' : 'The system encountered an unexpected error during processing. Try your request again.') });
  }

  const mock = await startMockServer<MockBedrockReply>(options.port, handle);
  return Object.assign(mock, { baseURL: mock.url, region });
}
