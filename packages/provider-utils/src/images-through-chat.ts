import { GatewayError, imagesToEdit, type ChatCompletionRequest, type ChatCompletionResponse, type ContentPart, type ImageGenerationRequest, type ImageGenerationResponse } from '@tollgate/core';
import { aspectRatioOfSize } from './image-aspect-ratio.js';

/**
 * An image request as a chat request for an image model (OpenRouter's way): the prompt — and an
 * edit's images as `image_url` parts — in one user message, `modalities: ["image", "text"]`, `size` as
 * `image_config.aspect_ratio` (`1536x1024` is `3:2`; the upstream picks the nearest it draws at).
 */
export function imageChatRequest(request: ImageGenerationRequest, model: string): ChatCompletionRequest {
  if (request.files?.some((file) => file.field === 'mask') === true) {
    // A chat message has no place for one: it would be dropped, and the whole image redrawn.
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `${model} takes no mask through chat completions: say in the prompt which part of the image to change.`, { param: 'mask' });
  }
  const uploads: ContentPart[] = imagesToEdit(request).map((file) => ({ type: 'image_url', image_url: { url: `data:${file.type === '' ? 'image/png' : file.type};base64,${Buffer.from(file.bytes).toString('base64')}` } }));
  const aspectRatio = aspectRatioOfSize(request.size);
  return {
    model,
    messages: [{ role: 'user', content: uploads.length === 0 ? request.prompt : [{ type: 'text', text: request.prompt }, ...uploads] }],
    modalities: ['image', 'text'],
    ...(aspectRatio === undefined ? {} : { image_config: { aspect_ratio: aspectRatio } }),
  };
}

/** The base64 bytes of a `data:` URL; undefined for another URL. */
function base64Of(url: string): string | undefined {
  const comma = url.indexOf(',');
  return url.startsWith('data:') && url.slice(0, comma).endsWith(';base64') ? url.slice(comma + 1) : undefined;
}

/**
 * The answers of an image model through chat (one call per image asked for) as OpenAI's images answer:
 * each `message.images` data URL's bytes as `b64_json` (another URL as `url`), the calls' tokens added
 * up as GPT Image's `usage` (image tokens apart where the answers count them), and the cost the
 * upstream reported (OpenRouter's `usage.cost`) added up too.
 */
export function imagesAnswerOfChats(answers: readonly ChatCompletionResponse[]): ImageGenerationResponse {
  const data: ({ b64_json: string } | { url: string })[] = [];
  let input = 0;
  let output = 0;
  let imageOutput: number | undefined;
  let cost: number | undefined;
  for (const answer of answers) {
    for (const image of answer.choices[0]?.message.images ?? []) {
      const bytes = base64Of(image.image_url.url);
      data.push(bytes === undefined ? { url: image.image_url.url } : { b64_json: bytes });
    }
    const usage = answer.usage;
    input += usage?.prompt_tokens ?? 0;
    output += usage?.completion_tokens ?? 0;
    const images = usage?.completion_tokens_details?.image_tokens;
    if (images !== undefined) imageOutput = (imageOutput ?? 0) + images;
    if (typeof usage?.cost === 'number') cost = (cost ?? 0) + usage.cost;
  }
  return {
    created: Math.floor(Date.now() / 1000),
    data,
    usage: {
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      ...(imageOutput === undefined ? {} : { output_tokens_details: { image_tokens: imageOutput, text_tokens: output - imageOutput } }),
      ...(cost === undefined ? {} : { cost }),
    },
  };
}
