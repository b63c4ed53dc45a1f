import type { ChatCompletionChoice, ChatCompletionResponse, GeneratedImage, ToolCall } from '@tollgate/core';
import type { GeminiCandidate, GeminiPart, GeminiResponse } from './gemini-content.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';
import { toToolCallId } from './gemini-tool-call-id.js';

/** An image the model made, as a `data:` URL in OpenRouter's shape; undefined for any other part (a draft image of its thinking included). */
export function generatedImageOf(part: GeminiPart): GeneratedImage | undefined {
  if (part.inlineData === undefined || part.thought === true) return undefined;
  return { type: 'image_url', image_url: { url: `data:${part.inlineData.mimeType};base64,${part.inlineData.data}` } };
}

function convertCandidate(candidate: GeminiCandidate, position: number, responseId: string): ChatCompletionChoice {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  const images: GeneratedImage[] = [];
  for (const part of candidate.content?.parts ?? []) {
    const image = generatedImageOf(part);
    if (image !== undefined) images.push(image);
    else if (part.functionCall !== undefined) {
      const id = toToolCallId(part.functionCall.id, part.thoughtSignature, `${responseId}_${position}_${toolCalls.length}`);
      toolCalls.push({ id, type: 'function', function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) } });
    } else if (part.text !== undefined) {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
    }
  }
  return {
    index: candidate.index ?? position,
    message: {
      role: 'assistant',
      content: text === '' && toolCalls.length > 0 ? null : text,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      ...(images.length > 0 ? { images } : {}),
      ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
    },
    finish_reason: mapGeminiFinishReason(candidate.finishReason ?? 'STOP', toolCalls.length > 0),
  };
}

/**
 * Translates a `GenerateContentResponse` to an OpenAI chat completion: each candidate a choice (text
 * parts joined as `content`, thought parts as `reasoning_content`, `functionCall` parts as `tool_calls`
 * with JSON-string arguments, images the model made as `images`), the finish reason mapped, usage with cached and thinking tokens. A
 * prompt Gemini blocked (`promptFeedback.blockReason`, no candidates) is one empty choice finished by
 * `content_filter`.
 */
export function convertFromGeminiResponse(response: GeminiResponse, requestedModel: string): ChatCompletionResponse {
  const id = response.responseId ?? `gemini-${Date.now()}`;
  const candidates = response.candidates ?? [];
  const choices: ChatCompletionChoice[] =
    candidates.length === 0
      ? [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' }]
      : candidates.map((candidate, position) => convertCandidate(candidate, position, id));
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? requestedModel,
    choices,
    usage: mapGeminiUsage(response.usageMetadata),
  };
}
