import { GatewayError, imagesToEdit, type ImageGenerationRequest, type ImageGenerationResponse } from '@tollgate/core';
import { allowedAspectRatio } from '@tollgate/provider-utils';
import type { GeminiRequest, GeminiResponse } from './gemini-content.js';
import { generatedImageOf } from './convert-from-gemini-response.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

/** The aspect ratios Gemini's image models draw at. */
const geminiAspectRatios = new Set(['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9']);

/** The aspect ratios Imagen draws at. */
const imagenAspectRatios = new Set(['1:1', '3:4', '4:3', '9:16', '16:9']);

/** Whether a model is one of Imagen's (`imagen-4.0-generate-001`…), served by `:predict` rather than `generateContent`. */
export function isImagenModel(model: string): boolean {
  return /^(models\/)?imagen-/.test(model);
}

/** A model that edits from the prompt alone takes no mask: one sent would be dropped, and the whole image redrawn. */
function refuseMask(request: ImageGenerationRequest, model: string): void {
  if (request.files?.some((file) => file.field === 'mask') === true) {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `${model} takes no mask: say in the prompt which part of the image to change.`, { param: 'mask' });
  }
}

/** An image request as an Imagen `:predict` body: the prompt an instance, `n` as `sampleCount`, the size as `aspectRatio`. */
export function toImagenRequest(request: ImageGenerationRequest, model: string): string {
  const aspectRatio = allowedAspectRatio(request.size, imagenAspectRatios, model);
  return JSON.stringify({ instances: [{ prompt: request.prompt }], parameters: { sampleCount: request.n ?? 1, ...(aspectRatio === undefined ? {} : { aspectRatio }) } });
}

/** Imagen's answer: one prediction per image, its bytes in base64 (a prediction filtered by its safety check carries a reason instead). */
export interface ImagenAnswer {
  readonly predictions?: readonly { readonly bytesBase64Encoded?: string; readonly mimeType?: string; readonly raiFilteredReason?: string }[];
}

/** An Imagen answer as OpenAI's images answer: each image's bytes as `b64_json`; no tokens (Imagen is priced by the image). */
export function fromImagenAnswer(answer: ImagenAnswer): ImageGenerationResponse {
  const data = (answer.predictions ?? []).filter((prediction) => prediction.bytesBase64Encoded !== undefined).map((prediction) => ({ b64_json: prediction.bytesBase64Encoded! }));
  return { created: Math.floor(Date.now() / 1000), data };
}

/**
 * An image request as a `generateContent` body for a Gemini image model: the prompt a user turn (an
 * edit's images after it, as `inlineData` parts), images only asked for, the size as
 * `imageConfig.aspectRatio`.
 */
export function toGeminiImageRequest(request: ImageGenerationRequest, model: string): string {
  refuseMask(request, model);
  const aspectRatio = allowedAspectRatio(request.size, geminiAspectRatios, model);
  const uploads = imagesToEdit(request).map((file) => ({ inlineData: { mimeType: file.type === '' ? 'image/png' : file.type, data: Buffer.from(file.bytes).toString('base64') } }));
  const body: GeminiRequest = {
    contents: [{ role: 'user', parts: [{ text: request.prompt }, ...uploads] }],
    generationConfig: { responseModalities: ['IMAGE'], ...(aspectRatio === undefined ? {} : { imageConfig: { aspectRatio } }) },
  };
  return JSON.stringify(body);
}

/**
 * The answers of a Gemini image model (one call per image asked for) as OpenAI's images answer: each
 * image's bytes as `b64_json`, the calls' tokens added up as GPT Image's `usage` (the images' tokens
 * apart from text, as `output_tokens_details`).
 */
export function fromGeminiImageAnswers(answers: readonly GeminiResponse[]): ImageGenerationResponse {
  const data: { b64_json: string }[] = [];
  let input = 0;
  let output = 0;
  let imageOutput = 0;
  for (const answer of answers) {
    for (const part of answer.candidates?.[0]?.content?.parts ?? []) {
      if (generatedImageOf(part) !== undefined) data.push({ b64_json: part.inlineData!.data });
    }
    const usage = mapGeminiUsage(answer.usageMetadata);
    input += usage.prompt_tokens;
    output += usage.completion_tokens;
    imageOutput += usage.completion_tokens_details?.image_tokens ?? 0;
  }
  return {
    created: Math.floor(Date.now() / 1000),
    data,
    usage: {
      input_tokens: input,
      input_tokens_details: { text_tokens: input, image_tokens: 0 },
      output_tokens: output,
      output_tokens_details: { image_tokens: imageOutput, text_tokens: output - imageOutput },
      total_tokens: input + output,
    },
  };
}
