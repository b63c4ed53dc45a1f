import type { HttpDependencies } from './http-dependencies.js';
import { encodeCompletionsChunk } from '../ingress/openai-completions/completions-stream-encoder.js';
import { convertCompletionsRequest, encodeCompletionsFields, inspectCompletionsBody, type CompletionsRequestBody } from '../ingress/openai-completions/convert-completions-request.js';
import { mapCompletionsTexts } from '../ingress/openai-completions/map-completions-texts.js';
import { toCompletionsResponse } from '../ingress/openai-completions/to-completions-response.js';
import { createTranslatedIngressHandler, type IngressStreamEncoder } from './handle-translated-ingress.js';

const completionsStream: IngressStreamEncoder = { encode: encodeCompletionsChunk, trailer: 'data: [DONE]\n\n' };

/**
 * `POST /v1/completions`: OpenAI's legacy completions, for code completion (fill-in-the-middle with
 * `suffix`) and base models. Same auth, routing, budgets, guardrails and logs as the chat route. To a
 * target whose upstream serves the legacy API (vLLM, SGLang, Ollama, OpenRouter, OpenAI's instruct
 * models) the body and the answer pass through as bytes; to any other the prompt goes as a chat
 * request's user message and the answer comes back as a `text_completion`, streams included.
 */
export function createCompletionsHandler(dependencies: HttpDependencies) {
  return createTranslatedIngressHandler(dependencies, {
    wire: 'openai-completions',
    // Each prompt as the canonical request, what hooks add to it under the legacy API's names, what only that API does, and its texts for a guardrail to rewrite.
    translation: {
      decode: (value) => convertCompletionsRequest(value as CompletionsRequestBody),
      encodeAddedFields: encodeCompletionsFields,
      inspect: inspectCompletionsBody,
      mapClientTexts: mapCompletionsTexts,
    },
    encodeResponse: (response) => JSON.stringify(toCompletionsResponse(response)),
    streamEncoder: () => completionsStream,
  });
}
