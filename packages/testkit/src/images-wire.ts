/**
 * Images answers as OpenAI's Images API documents them (`POST /v1/images/generations`, and
 * `/v1/images/edits` for a form with the images to start from): `created`, one
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

/** GPT Image 2's quality factors in the formula of OpenAI's image cost calculator (see `mockImageTokens`). */
const gptImage2Factors: Readonly<Record<string, number>> = { low: 16, medium: 48, high: 96 };

/**
 * The output tokens of one image the mock draws at `size` and `quality` (`auto` served as `1024x1024`
 * and `medium`): GPT Image 1 models (`gpt-image-1`, `-1-mini`, `-1.5`) by OpenAI's published table,
 * GPT Image 2 models by its calculator's formula, ⌈f · round(f · short / long) · (2,000,000 + pixels) /
 * 4,000,000⌉ (7,024 for a high-quality 1024×1024 image).
 */
export function mockImageTokens(size: string, quality: string, model = 'gpt-image-1'): number {
  const [width, height] = size.split('x').map(Number) as [number, number];
  if (model.startsWith('gpt-image-2')) {
    const factor = gptImage2Factors[quality] ?? gptImage2Factors.medium!;
    const long = Math.max(width, height);
    const shortAxis = Math.floor((2 * factor * Math.min(width, height) + long) / (2 * long));
    return Math.ceil((factor * shortAxis * (2_000_000 + width * height)) / 4_000_000);
  }
  return Math.ceil(((tokensPerMegapixel[quality] ?? tokensPerMegapixel.medium!) * width * height) / (1024 * 1024));
}

/** The size of a PNG in pixels, from its header; undefined for another format. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || bytes[0] !== 0x89 || bytes[1] !== 0x50) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * The input tokens of an image uploaded for an edit, as OpenAI bills GPT Image inputs: scaled down so
 * its shorter side is at most 512 pixels, then 65 and 129 for each 512×512 tile (194 for a 1024×1024
 * image); 194 for an image the mock cannot read the size of.
 */
export function mockInputImageTokens(bytes: Uint8Array): number {
  const size = pngSize(bytes);
  if (size === undefined) return 194;
  const scale = Math.min(1, 512 / Math.min(size.width, size.height));
  return 65 + 129 * Math.ceil((size.width * scale) / 512) * Math.ceil((size.height * scale) / 512);
}

/** A 2×2 PNG drawn at `width`×`height` pixels (its header says so; the mock reads only the header). */
export function pngOfSize(width: number, height: number): Uint8Array {
  const png = Buffer.from(pixelPng, 'base64');
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return new Uint8Array(png);
}

/** The mock's answer to an images request: a status and its JSON body, or (`stream: true`, GPT Image) its events in order. */
type ImagesAnswer = { readonly status: number; readonly body: Record<string, unknown>; readonly events?: readonly string[] };

/**
 * The mock's answer to an image edit (`POST /v1/images/edits`, a multipart form as OpenAI's SDKs send
 * it): the images uploaded as `image` (or `image[]`), an optional `mask` the size of the first, the
 * fields of a generation; answered as a generation is, the uploads' tokens counted as image input
 * tokens, and streamed as `image_edit.partial_image` and `image_edit.completed` events.
 */
export async function imageEditAnswer(bodyBytes: Buffer, contentType: string): Promise<ImagesAnswer> {
  let form: FormData;
  try {
    form = await new Response(bodyBytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return { status: 400, body: { error: { message: 'Could not parse multipart form', type: 'invalid_request_error', param: null, code: null } } };
  }
  const images = [...form.getAll('image'), ...form.getAll('image[]')].filter((value): value is File => typeof value !== 'string');
  if (images.length === 0) {
    return { status: 400, body: { error: { message: "Missing required parameter: 'image'.", type: 'invalid_request_error', param: 'image', code: 'missing_required_parameter' } } };
  }
  const uploads = await Promise.all(images.map(async (image) => new Uint8Array(await image.arrayBuffer())));
  const mask = form.get('mask');
  if (mask !== null && typeof mask !== 'string') {
    const maskSize = pngSize(new Uint8Array(await mask.arrayBuffer()));
    const imageSize = pngSize(uploads[0]!);
    if (maskSize === undefined || imageSize === undefined || maskSize.width !== imageSize.width || maskSize.height !== imageSize.height) {
      return { status: 400, body: { error: { message: 'Invalid mask image format - mask size does not match image size', type: 'invalid_request_error', param: 'mask', code: 'invalid_image_format' } } };
    }
  }
  const body: Record<string, unknown> = {};
  for (const [name, value] of form) {
    if (typeof value !== 'string') continue;
    body[name] = /^(n|partial_images)$/.test(name) ? Number(value) : name === 'stream' ? value === 'true' : value;
  }
  return imagesAnswer(body, { imageTokens: uploads.reduce((sum, bytes) => sum + mockInputImageTokens(bytes), 0), eventPrefix: 'image_edit' });
}

/**
 * The mock's answer to an image generation, or (`edit`) to an edit's fields: its uploads' image tokens
 * and the prefix of its stream's events.
 */
export function imagesAnswer(body: Record<string, any>, edit?: { readonly imageTokens: number; readonly eventPrefix: 'image_edit' }): ImagesAnswer {
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
  const imageTokens = edit?.imageTokens ?? 0;
  const outputTokens = count * mockImageTokens(size, quality, model);
  // GPT Image 1.5 and later tell the images' output tokens from the text's.
  const outputDetails = model === 'gpt-image-1' || model === 'gpt-image-1-mini' ? {} : { output_tokens_details: { image_tokens: outputTokens, text_tokens: 0 } };
  const usage = {
    input_tokens: textTokens + imageTokens,
    input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
    output_tokens: outputTokens,
    ...outputDetails,
    total_tokens: textTokens + imageTokens + outputTokens,
  };
  if (body.stream === true) {
    // `partial_images` previews, then the image with the usage.
    const common = { created_at: created, size, quality, background: 'opaque', output_format: 'png' };
    const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const prefix = edit?.eventPrefix ?? 'image_generation';
    const partials = Array.from({ length: typeof body.partial_images === 'number' ? body.partial_images : 0 }, (_, index) => event(`${prefix}.partial_image`, { b64_json: pixelPng, ...common, partial_image_index: index }));
    return { status: 200, body: {}, events: [...partials, event(`${prefix}.completed`, { b64_json: pixelPng, ...common, usage })] };
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
