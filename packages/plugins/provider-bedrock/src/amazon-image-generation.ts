import { GatewayError, z, type ImageGenerationRequest, type ImageGenerationResponse } from '@tollgate/core';

/** Whether a Bedrock model id names one of Amazon's image models (Nova Canvas, Titan Image Generator), which share one InvokeModel body. */
export function isAmazonImageModel(model: string): boolean {
  return /amazon\.(nova-canvas|titan-image-generator)/.test(model);
}

/** What Amazon's image answer must hold to be read. */
export const amazonImageAnswerSchema = z.looseObject({ images: z.array(z.string()).optional(), error: z.string().nullish() });

/** Amazon's image answer: the images' bytes in base64, or why there are none (its content filter). */
export interface AmazonImageAnswer {
  readonly images?: readonly string[];
  readonly error?: string | null;
}

/**
 * An OpenAI images request as Nova Canvas's (and Titan Image Generator v2's) InvokeModel body,
 * `TEXT_IMAGE`: the prompt as `text`, `n` as `numberOfImages`, a `<width>x<height>` size as `width`
 * and `height`, `quality` `hd` or `high` as `premium` (else `standard`).
 */
export function toAmazonImageBody(request: ImageGenerationRequest): string {
  const size = /^(\d+)x(\d+)$/.exec(request.size ?? '');
  const premium = request.quality === 'hd' || request.quality === 'high';
  return JSON.stringify({
    taskType: 'TEXT_IMAGE',
    textToImageParams: { text: request.prompt },
    imageGenerationConfig: {
      numberOfImages: request.n ?? 1,
      ...(size === null ? {} : { width: Number(size[1]), height: Number(size[2]) }),
      quality: premium ? 'premium' : 'standard',
    },
  });
}

/**
 * Amazon's image answer as OpenAI's images answer (each image as `b64_json`; no tokens: these models
 * are priced by the image); an answer its content filter emptied is a 400, with Amazon's reason.
 */
export function fromAmazonImageAnswer(answer: AmazonImageAnswer, provider: string): ImageGenerationResponse {
  const images = answer.images ?? [];
  if (images.length === 0 && typeof answer.error === 'string') {
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Provider "${provider}" made no image: ${answer.error}`, { param: 'prompt' });
  }
  return { created: Math.floor(Date.now() / 1000), data: images.map((b64_json) => ({ b64_json })) };
}
