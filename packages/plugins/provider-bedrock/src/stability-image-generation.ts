import { GatewayError, z, type ImageGenerationRequest, type ImageGenerationResponse } from '@tollgate/core';
import { allowedAspectRatio } from '@tollgate/provider-utils';

/** Whether a Bedrock model id names one of Stability AI's image models (Stable Image Ultra and Core, Stable Diffusion 3.5), which share one InvokeModel body. */
export function isStabilityImageModel(model: string): boolean {
  return /stability\.(stable-image|sd3)/.test(model);
}

/** The aspect ratios Stability's models draw at. */
const stabilityAspectRatios = new Set(['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21']);

/** What Stability's answer must hold to be read. */
export const stabilityImageAnswerSchema = z.looseObject({ images: z.array(z.string()).optional(), finish_reasons: z.array(z.string().nullable()).optional() });

/** Stability's answer: one image's bytes in base64, or why there is none (`Filter reason: prompt`…). */
export interface StabilityImageAnswer {
  readonly images?: readonly string[];
  readonly finish_reasons?: readonly (string | null)[];
}

/**
 * An OpenAI images request as one Stability InvokeModel body (one image a call): the prompt, and the
 * size as the `aspect_ratio` it reduces to (400, `param: size`, for one the models do not draw at).
 */
export function toStabilityImageBody(request: ImageGenerationRequest, model: string): string {
  const aspectRatio = allowedAspectRatio(request.size, stabilityAspectRatios, model);
  return JSON.stringify({ prompt: request.prompt, ...(aspectRatio === undefined ? {} : { aspect_ratio: aspectRatio }), output_format: 'png' });
}

/** The images of one Stability answer (base64); an answer its filter emptied (`finish_reasons`) is a 400 with the reason. */
export function stabilityImagesOf(answer: StabilityImageAnswer, provider: string): readonly string[] {
  const reason = answer.finish_reasons?.find((finish) => finish !== null);
  if ((answer.images ?? []).length === 0 && reason != null) throw new GatewayError('TOLLGATE_INVALID_REQUEST', `Provider "${provider}" made no image: ${reason}.`, { param: 'prompt' });
  return answer.images ?? [];
}

/** The images of Stability's answers (one call an image) as OpenAI's images answer (no tokens: priced by the image). */
export function imagesAnswerOf(images: readonly (readonly string[])[]): ImageGenerationResponse {
  return { created: Math.floor(Date.now() / 1000), data: images.flat().map((b64_json) => ({ b64_json })) };
}
