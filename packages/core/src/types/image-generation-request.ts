/**
 * The canonical image generation request: the body of OpenAI's `POST /v1/images/generations` (GPT
 * Image models, DALL·E). Only what the gateway reads is named; every other field goes to the upstream
 * as sent.
 */
export interface ImageGenerationRequest {
  readonly model: string;
  readonly prompt: string;
  /** How many images (default 1). */
  readonly n?: number;
  /** `1024x1024`, `1536x1024`, `1024x1536`, `auto`, or another `<width>x<height>` a model takes. */
  readonly size?: string;
  /** `low`, `medium`, `high`, `auto` (GPT Image); `standard`, `hd` (DALL·E 3). */
  readonly quality?: string;
  readonly user?: string;
  readonly [extension: string]: unknown;
}

/**
 * Output tokens a GPT Image model spends on a 1024×1024 image, by quality (OpenAI's published figures;
 * other sizes in proportion to their pixels). `auto` may pick `high`; DALL·E's qualities are billed by
 * the image, not by tokens.
 */
const outputTokensPerMegapixel: Readonly<Record<string, number>> = { low: 272, medium: 1056, high: 4160, auto: 4160, standard: 4160, hd: 4160 };

/** Pixels of the largest size a request that names none (or `auto`) may get: 1536×1024. */
const largestDefaultPixels = 1536 * 1024;

/**
 * The most output tokens one image of this request may cost, for budgets' worst case: by its quality
 * (`high` when it names none, `auto` or a DALL·E one) and its size (the largest default size when it
 * names none, or `auto`) — 4,160 for a high-quality 1024×1024 image, 6,240 for 1536×1024. Undefined
 * for a quality without a published figure (a newer model's `xhigh`): its cost cannot be bounded.
 */
export function imageOutputTokensAtMost(request: Pick<ImageGenerationRequest, 'size' | 'quality'>): number | undefined {
  const perMegapixel = outputTokensPerMegapixel[request.quality ?? 'high'];
  if (perMegapixel === undefined) return undefined;
  const size = /^(\d+)x(\d+)$/.exec(request.size ?? '');
  const pixels = size === null ? largestDefaultPixels : Number(size[1]) * Number(size[2]);
  return Math.ceil((perMegapixel * pixels) / (1024 * 1024));
}
