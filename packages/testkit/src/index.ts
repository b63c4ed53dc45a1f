export { createMockOpenAI } from './create-mock-openai.js';
export type { MockOpenAI, MockOpenAIOptions } from './create-mock-openai.js';
export type { MockReply, MockStreamShape, MockToolCall } from './mock-reply.js';
export type { RecordedRequest } from './recorded-request.js';
export { openAIChatCompletion, openAIChunk, openAIError, openAIUsage, mockEmbedding, toBase64Floats } from './openai-wire.js';
