import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { geminiError, geminiErrorStatus, geminiEvent, geminiImageTokens, geminiMockImage, geminiUsage, imagenAnswer } from './gemini-wire.js';
import type { MockGeminiReply } from './mock-gemini-reply.js';
import { applyStopSequences, sendJson, startMockServer, writeMockStream, type MockUpstream } from './mock-server.js';
import type { RecordedRequest } from './recorded-request.js';

/** Options of {@link createMockGemini}. */
export interface MockGeminiOptions {
  readonly port?: number;
  /** When set, requests without this key (`x-goog-api-key` header or `key` query) get Google's 400 `API_KEY_INVALID`. */
  readonly apiKey?: string;
}

/** A running Gemini API mock upstream. */
export interface MockGemini extends MockUpstream<MockGeminiReply> {
  /** The value for a provider's `baseURL` (the API's paths start with /v1beta). */
  readonly baseURL: string;
}

const route = /^\/(v1beta|v1)\/models\/([^:/]+):(generateContent|streamGenerateContent|countTokens|predict)$/;

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Words of every text part of `contents` and `systemInstruction`: the mock's token count. */
function promptWords(body: any): number {
  const contents: any[] = [...(Array.isArray(body?.contents) ? body.contents : []), ...(body?.systemInstruction ? [body.systemInstruction] : [])];
  let count = 0;
  for (const content of contents) for (const part of Array.isArray(content?.parts) ? content.parts : []) if (typeof part?.text === 'string') count += words(part.text);
  return count;
}

function lastUserText(body: any): string {
  const contents: any[] = Array.isArray(body?.contents) ? body.contents : [];
  const last = [...contents].reverse().find((content) => content?.role === undefined || content.role === 'user');
  const parts: any[] = Array.isArray(last?.parts) ? last.parts : [];
  return parts.filter((part) => typeof part?.text === 'string').map((part) => part.text).join(' ');
}

/** What the API rejects before generating: the messages Google answers them with. */
/**
 * Gemini 3's check of thought signatures: in the current turn (the contents after the last user
 * content that is not only function responses), the first function call of every model step must
 * carry a signature — Gemini's own, or one Google documents for calls Gemini did not make
 * (`skip_thought_signature_validator`); another model family's is taken too, its thoughts left out
 * of the model's context. The error message, as Gemini answers; undefined when the turn passes.
 */
function unsignedCallError(contents: readonly any[]): string | undefined {
  const turnStart = contents.findLastIndex((content) => content?.role !== 'model' && content?.parts?.some((part: any) => part?.functionResponse === undefined)) + 1;
  for (let index = turnStart; index < contents.length; index += 1) {
    const parts: any[] = contents[index]?.role === 'model' ? contents[index].parts : [];
    const first = parts.findIndex((part) => part?.functionCall !== undefined);
    if (first === -1) continue;
    if (parts[first].thoughtSignature === undefined) {
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${parts[first].functionCall.name}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
  }
  return undefined;
}

function invalidRequest(body: any, flavor: 'gemini' | 'vertex'): string | undefined {
  if (!Array.isArray(body?.contents) || body.contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified\n';
  // A conversation the model's turn begins (the Gemini API reads a content without a role as the user's).
  if (body.contents[0]?.role === 'model') return 'Please ensure that multiturn requests alternate between user and model.';
  const emptySystem = (Array.isArray(body?.systemInstruction?.parts) ? body.systemInstruction.parts : []).findIndex((part: any) => part?.text === '');
  if (emptySystem !== -1) return `* GenerateContentRequest.system_instruction.parts[${emptySystem}].data: required oneof field 'data' must have one initialized field\n`;
  for (const [index, content] of body.contents.entries()) {
    // The Gemini API takes a content without a role as the user's; Vertex AI requires one.
    if ((content?.role !== undefined || flavor === 'vertex') && content?.role !== 'user' && content?.role !== 'model') return `Please use a valid role: user, model.`;
    if (!Array.isArray(content?.parts) || content.parts.length === 0) return `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`;
    for (const [position, part] of content.parts.entries()) {
      // Proto JSON: an empty text is no text, and a part must hold one kind of data.
      if (part?.text === '' && Object.keys(part).every((key) => key === 'text' || key === 'thoughtSignature' || key === 'thought')) return `* GenerateContentRequest.contents[${index}].parts[${position}].data: required oneof field 'data' must have one initialized field\n`;
      if (part?.functionResponse !== undefined && typeof part.functionResponse.name !== 'string') return `* GenerateContentRequest.contents[${index}].parts.function_response.name: Name cannot be empty.\n`;
    }
  }
  return undefined;
}

/**
 * Starts a faithful Gemini API upstream on 127.0.0.1: `POST /v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse` (`data:` events, each a `GenerateContentResponse`; the last one
 * carries `finishReason` and the full `usageMetadata`), `:countTokens`, the `x-goog-api-key` header (or
 * `key` query), errors as `google.rpc.Status` bodies (an invalid key is a 400 `API_KEY_INVALID`, a 429
 * carries `RetryInfo.retryDelay`), thought parts (only with `thinkingConfig.includeThoughts`, as Gemini
 * answers; their tokens counted either way), function calls (a Gemini 3 model signs each answer's
 * first one with a `thoughtSignature`, and refuses a request whose current turn has a step without one
 * as Gemini 3 does), stop sequences, `maxOutputTokens`,
 * blocked prompts and cached/thinking token counts, images from an image model asked for them
 * (`responseModalities` with `IMAGE`: an `inlineData` part, its tokens in `candidatesTokensDetails`;
 * another model refuses them), and the processing tier (`serviceTier` in the body,
 * `x-gemini-service-tier` on the answer: the one asked for, `standard` by default), and Imagen models'
 * `:predict` (`imagenAnswer`). Programmable and
 * recording like the other mocks.
 *
 * @example
 * const mock = await createMockGemini({ apiKey: 'gemini-test-key' });
 * mock.enqueue({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
 */
export async function createMockGemini(options: MockGeminiOptions = {}): Promise<MockGemini> {
  const answer = geminiAnswerer('gemini');

  async function handle(request: RecordedRequest, res: ServerResponse, takeReply: () => MockGeminiReply | undefined): Promise<void> {
    const url = new URL(request.path, 'http://mock');
    const fail = (status: string, message: string, details: readonly unknown[] = []) => sendJson(res, geminiErrorStatus[status] ?? 500, geminiError(status, message, details));
    const key = request.headers['x-goog-api-key'] ?? url.searchParams.get('key') ?? undefined;
    if (options.apiKey !== undefined && key !== options.apiKey) {
      return fail('INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
    }
    const match = route.exec(url.pathname);
    if (request.method !== 'POST' || match === null) return fail('NOT_FOUND', `Method not found: ${request.method} ${url.pathname}`);
    const [, , model, method] = match as unknown as [string, string, string, string];
    if (method === 'predict') {
      if (!model.startsWith('imagen-')) return fail('NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for predict.`);
      // A programmed error answers it; any other programmed reply is for `generateContent`.
      const reply = takeReply();
      if (reply?.error !== undefined) return sendJson(res, reply.status ?? geminiErrorStatus[reply.error.status] ?? 500, geminiError(reply.error.status, reply.error.message, reply.error.details));
      const imagen = imagenAnswer(request.body);
      return sendJson(res, imagen.status, imagen.body);
    }
    await answer(request, res, takeReply, model, method);
  }

  const mock = await startMockServer<MockGeminiReply>(options.port, handle);
  return Object.assign(mock, { baseURL: mock.url });
}

/**
 * Answers one `generateContent`, `streamGenerateContent` or `countTokens` call of `model`, as the
 * Gemini API (`gemini`) or Vertex AI (`vertex`: every content names its role, usage says its traffic
 * type, answers carry `createTime`, `countTokens` takes the request's fields at its top level and
 * counts billable characters) does.
 */
export function geminiAnswerer(flavor: 'gemini' | 'vertex'): (request: RecordedRequest, res: ServerResponse, takeReply: () => MockGeminiReply | undefined, model: string, method: string) => Promise<void> {
  let sequence = 0;
  return async (request, res, takeReply, model, method) => {
    const url = new URL(request.path, 'http://mock');
    const body: any = request.body;
    const fail = (status: string, message: string, details: readonly unknown[] = []) => sendJson(res, geminiErrorStatus[status] ?? 500, geminiError(status, message, details));
    if (body === undefined) return fail('INVALID_ARGUMENT', 'Invalid JSON payload received.');
    if (method === 'countTokens') {
      if (flavor === 'gemini') return sendJson(res, 200, { totalTokens: Math.max(1, promptWords(body.generateContentRequest ?? body)) });
      if (body.generateContentRequest !== undefined) return fail('INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "generateContentRequest": Cannot find field.');
      return sendJson(res, 200, { totalTokens: Math.max(1, promptWords(body)), totalBillableCharacters: JSON.stringify(body.contents ?? []).length });
    }
    const gemini3 = /^gemini-[3-9]/.test(model);
    // Gemini 2.5 and later take no penalties.
    const penalty = /^gemini-(?:2\.5|[3-9]|flash|pro)/.test(model) && (body.generationConfig?.presencePenalty !== undefined || body.generationConfig?.frequencyPenalty !== undefined) ? `Penalty is not enabled for models/${model}` : undefined;
    const invalid = invalidRequest(body, flavor) ?? penalty ?? (gemini3 ? unsignedCallError(body.contents) : undefined);
    if (invalid !== undefined) return fail('INVALID_ARGUMENT', invalid);
    // Proto JSON: the field by either name. The Gemini API serves flex and priority; Vertex AI takes no tier in the body.
    const askedTier = body.serviceTier ?? body.service_tier;
    if (askedTier !== undefined && (flavor === 'vertex' || !['standard', 'flex', 'priority'].includes(askedTier))) {
      return fail('INVALID_ARGUMENT', flavor === 'vertex' ? 'Invalid JSON payload received. Unknown name "serviceTier": Cannot find field.' : `Invalid value at 'service_tier' (type.googleapis.com/google.ai.generativelanguage.v1beta.ServiceTier), "${String(askedTier)}"`);
    }

    const reply = takeReply() ?? {};
    const tierHeader: Record<string, string> = flavor === 'gemini' ? { 'x-gemini-service-tier': reply.serviceTier ?? askedTier ?? 'standard' } : {};
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (reply.hang === true) return;
    if (reply.error !== undefined) {
      return sendJson(res, reply.status ?? geminiErrorStatus[reply.error.status] ?? 500, geminiError(reply.error.status, reply.error.message, reply.error.details), reply.headers);
    }
    if (reply.body !== undefined) return sendJson(res, reply.status ?? 200, reply.body, reply.headers);

    sequence += 1;
    const responseId = `mockResponse${sequence}`;
    const config = body.generationConfig ?? {};
    const stops: string[] = Array.isArray(config.stopSequences) ? config.stopSequences : [];
    // An image model asked for images (`responseModalities` with IMAGE) makes one after its text (none when only images are asked for); another model refuses them.
    const modalities: string[] = Array.isArray(config.responseModalities) ? config.responseModalities : [];
    const imageAsked = modalities.includes('IMAGE');
    const imagesOnly = imageAsked && !modalities.includes('TEXT');
    let { text } = applyStopSequences(imagesOnly ? '' : (reply.content ?? `Mock answer to: ${lastUserText(body)}`), stops);
    let finishReason = reply.finishReason ?? 'STOP';
    if (typeof config.maxOutputTokens === 'number' && words(text) > config.maxOutputTokens) {
      text = text.split(/(?<= )/).slice(0, config.maxOutputTokens).join('');
      finishReason = 'MAX_TOKENS';
    }
    // Gemini 3 signs the first function call of an answer (parallel calls share its signature).
    // Base64 of opaque bytes, as Gemini's are (`+`, `/` and `=` among its characters).
    const signature = gemini3 ? Buffer.concat([createHash('sha256').update(`${model} ${responseId}`).digest(), createHash('sha256').update(responseId).digest()]).toString('base64') : undefined;
    const calls = (reply.functionCalls ?? []).map((call, index) => ({
      functionCall: { ...(call.id === undefined ? {} : { id: call.id }), name: call.name, args: call.args },
      ...(index === 0 && signature !== undefined ? { thoughtSignature: signature } : {}),
    }));
    // Thought summaries come back only when asked for; the thinking is billed either way.
    const thought = config.thinkingConfig?.includeThoughts === true ? reply.thought : undefined;
    if (imageAsked && !model.includes('image')) return fail('INVALID_ARGUMENT', 'The requested combination of response modalities (TEXT, IMAGE) is not supported by the model.');
    const images = imageAsked ? [{ inlineData: { mimeType: 'image/png', data: geminiMockImage } }] : [];
    const prompt = reply.usage?.promptTokenCount ?? Math.max(1, promptWords(body));
    const thoughts = reply.usage?.thoughtsTokenCount ?? (reply.thought === undefined ? 0 : words(reply.thought));
    const counted = geminiUsage(prompt, reply.usage?.candidatesTokenCount ?? words(text) + calls.length * 5, reply.usage?.cachedContentTokenCount, thoughts, images.length * geminiImageTokens);
    const usage = flavor === 'vertex' ? { ...counted, trafficType: 'ON_DEMAND' } : counted;
    const envelope = { usageMetadata: usage, modelVersion: model, ...(flavor === 'vertex' ? { createTime: new Date().toISOString() } : {}), responseId };
    const stream = method === 'streamGenerateContent';

    if (reply.blockReason !== undefined) {
      const blocked = { promptFeedback: { blockReason: reply.blockReason, safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }] }, ...envelope, usageMetadata: geminiUsage(prompt, 0) };
      if (!stream) return sendJson(res, 200, blocked, { ...tierHeader, ...reply.headers });
      res.writeHead(200, { 'content-type': 'text/event-stream', ...tierHeader, ...reply.headers });
      res.end(geminiEvent(blocked));
      return;
    }

    const noText = text === '' && (calls.length > 0 || imagesOnly);
    const parts = [...(thought === undefined ? [] : [{ text: thought, thought: true }]), ...(noText ? [] : [{ text }]), ...images, ...calls];
    const candidateCount = typeof config.candidateCount === 'number' ? config.candidateCount : 1;
    if (!stream || url.searchParams.get('alt') !== 'sse') {
      const candidates = Array.from({ length: candidateCount }, (_, index) => ({ content: { parts, role: 'model' }, finishReason, index }));
      const answer = { candidates, ...envelope };
      // Without alt=sse the streaming method answers a JSON array of responses.
      return sendJson(res, 200, stream ? [answer] : answer, { ...tierHeader, ...reply.headers });
    }

    // One event per thought, per text piece, per image, and one for all function calls; the last one finishes.
    const pieces: object[][] = [
      ...(thought === undefined ? [] : [[{ text: thought, thought: true }]]),
      ...(noText ? [] : text.split(/(?<= )/).map((piece) => [{ text: piece }])),
      ...images.map((image) => [image]),
      ...(calls.length > 0 ? [calls] : []),
    ];
    const running = { promptTokenCount: prompt, totalTokenCount: prompt, promptTokensDetails: usage.promptTokensDetails };
    const events = pieces.map((piece, index) => {
      const last = index === pieces.length - 1;
      const candidate = { content: { parts: piece, role: 'model' }, ...(last ? { finishReason } : {}), index: 0 };
      return geminiEvent({ candidates: [candidate], usageMetadata: last ? usage : running, modelVersion: model, responseId });
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-content-type-options': 'nosniff', ...tierHeader, ...reply.headers });
    const shape = reply.stream ?? {};
    const errorStatus = shape.errorStatus ?? 'INTERNAL';
    await writeMockStream(res, events, shape, { errorEvent: geminiEvent(geminiError(errorStatus, errorStatus === 'INTERNAL' ? 'An internal error has occurred.' : 'The model is overloaded. Please try again later.')) });
  };
}
