/**
 * Images answers as OpenAI's Images API documents them (`POST /v1/images/generations`): `created`, one
 * `data` entry per image — `b64_json` for GPT Image models (always), a `url` or `b64_json` for DALL·E
 * (`response_format`), DALL·E 3's `revised_prompt` — and for GPT Image models the `background`,
 * `output_format`, `quality` and `size` served with their `usage`: the prompt's text tokens as input,
 * the images' tokens as output; with `stream: true` (GPT Image) `partial_images`
 * `image_generation.partial_image` events and an `image_generation.completed` one with the usage.
 * Refusals in OpenAI's error shape: a prompt its safety system rejects
 * (`moderation_blocked`, or DALL·E's `content_policy_violation`), DALL·E 3 asked for more than one image.
 */
import { countWords } from './mock-server.js';

/** A 1×1 transparent PNG: every image the mock draws. */
const pixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** Output tokens of a 1024×1024 GPT Image, by quality (OpenAI's published table; other sizes in proportion to their pixels). */
const tokensPerMegapixel: Readonly<Record<string, number>> = { low: 272, medium: 1056, high: 4160 };

/** What the mock's safety system rejects: a prompt with this word. */
export const rejectedImageWord = 'forbidden';

/** The output tokens of one image the mock draws at `size` and `quality` (`auto` served as `1024x1024` and `medium`). */
export function mockImageTokens(size: string, quality: string): number {
  const [width, height] = size.split('x').map(Number);
  return Math.ceil(((tokensPerMegapixel[quality] ?? tokensPerMegapixel.medium!) * width! * height!) / (1024 * 1024));
}

/** The mock's answer to an images request: a status and its JSON body, or (`stream: true`, GPT Image) its events in order. */
export function imagesAnswer(body: Record<string, any>): { readonly status: number; readonly body: Record<string, unknown>; readonly events?: readonly string[] } {
  const model = String(body.model ?? 'dall-e-2');
  const prompt = body.prompt;
  if (typeof prompt !== 'string' || prompt.length === 0) {
    return { status: 400, body: { error: { message: "Missing required parameter: 'prompt'.", type: 'invalid_request_error', param: 'prompt', code: 'missing_required_parameter' } } };
  }
  const count = typeof body.n === 'number' ? body.n : 1;
  const gptImage = model.startsWith('gpt-image');
  if (model === 'dall-e-3' && count !== 1) {
    return { status: 400, body: { error: { message: 'You must provide n=1 for this model.', type: 'invalid_request_error', param: null, code: null } } };
  }
  if (prompt.toLowerCase().includes(rejectedImageWord)) {
    return gptImage
      ? { status: 400, body: { error: { message: 'Your request was rejected by the safety system. safety_violations=[violence].', type: 'image_generation_user_error', param: null, code: 'moderation_blocked' } } }
      : { status: 400, body: { error: { message: 'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.', type: 'invalid_request_error', param: null, code: 'content_policy_violation' } } };
  }
  const created = Math.floor(Date.now() / 1000);
  if (!gptImage) {
    const asData = body.response_format === 'b64_json';
    const data = Array.from({ length: count }, (_, index) => ({
      ...(asData ? { b64_json: pixelPng } : { url: `https://images.mock.invalid/${created}-${index}.png` }),
      ...(model === 'dall-e-3' ? { revised_prompt: `A detailed picture: ${prompt}` } : {}),
    }));
    return { status: 200, body: { created, data } };
  }
  const size = typeof body.size === 'string' && body.size !== 'auto' ? body.size : '1024x1024';
  const quality = typeof body.quality === 'string' && body.quality !== 'auto' ? body.quality : 'medium';
  const textTokens = Math.max(1, countWords(prompt));
  const outputTokens = count * mockImageTokens(size, quality);
  const usage = { input_tokens: textTokens, input_tokens_details: { image_tokens: 0, text_tokens: textTokens }, output_tokens: outputTokens, total_tokens: textTokens + outputTokens };
  if (body.stream === true) {
    // `partial_images` previews, then the image with the usage.
    const common = { created_at: created, size, quality, background: 'opaque', output_format: 'png' };
    const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const partials = Array.from({ length: typeof body.partial_images === 'number' ? body.partial_images : 0 }, (_, index) => event('image_generation.partial_image', { b64_json: pixelPng, ...common, partial_image_index: index }));
    return { status: 200, body: {}, events: [...partials, event('image_generation.completed', { b64_json: pixelPng, ...common, usage })] };
  }
  return {
    status: 200,
    body: {
      created,
      background: typeof body.background === 'string' && body.background !== 'auto' ? body.background : 'opaque',
      data: Array.from({ length: count }, () => ({ b64_json: pixelPng })),
      output_format: typeof body.output_format === 'string' ? body.output_format : 'png',
      quality,
      size,
      usage,
    },
  };
}
