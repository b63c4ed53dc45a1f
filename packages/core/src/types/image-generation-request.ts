/**
 * An image uploaded with an edit (`POST /v1/images/edits`): its form field (`image`, `image[]`,
 * `mask`…), file name, media type and bytes, and its size in pixels where the gateway could read it
 * from the file's header (PNG, JPEG, WebP, GIF…).
 */
export interface ImageUpload {
  readonly field: string;
  readonly name: string;
  readonly type: string;
  readonly bytes: Uint8Array;
  readonly width: number | undefined;
  readonly height: number | undefined;
}

/**
 * The canonical image request: the body of OpenAI's `POST /v1/images/generations` (GPT Image models,
 * DALL·E), or the form of `POST /v1/images/edits` (`task: "edit"`: the images to start from in
 * `files`, every other form field as sent). Only what the gateway reads is named; every other field
 * goes to the upstream as sent.
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
  /** The gateway's own, not a field: `edit` for an edit of the images in `files` (`/v1/images/edits`); else a generation. */
  readonly task?: 'generate' | 'edit';
  /** An edit's uploads, in the form's order: the images (`image`, or `image[]` for several), a `mask`. */
  readonly files?: readonly ImageUpload[];
  readonly [extension: string]: unknown;
}

/** The images an edit starts from: its uploads sent as `image` (or `image[]` for several), not its `mask`. */
export function imagesToEdit(request: Pick<ImageGenerationRequest, 'files'>): readonly ImageUpload[] {
  return (request.files ?? []).filter((file) => file.field === 'image' || file.field === 'image[]');
}

/**
 * Output tokens a GPT Image 1 model (`gpt-image-1`, `-1-mini`, `-1.5`) spends on a 1024×1024 image, by
 * quality (OpenAI's published figures; other sizes in proportion to their pixels). `auto` may pick
 * `high`; DALL·E's qualities are billed by the image, not by tokens.
 */
const outputTokensPerMegapixel: Readonly<Record<string, number>> = { low: 272, medium: 1056, high: 4160, auto: 4160, standard: 4160, hd: 4160 };

/**
 * GPT Image 2's quality factors, from the formula of OpenAI's image cost calculator: an image costs
 * ⌈f · round(f · short edge / long edge) · (2,000,000 + pixels) / 4,000,000⌉ tokens (7,024 for a
 * high-quality 1024×1024 image, 5,488 for 1536×1024).
 */
const gptImage2QualityFactors: Readonly<Record<string, number>> = { low: 16, medium: 48, high: 96, auto: 96, standard: 96, hd: 96 };

/** Pixels of the largest size a request that names none (or `auto`) may get: 1536×1024. */
const largestDefaultSize = { width: 1536, height: 1024 };

/** The tokens of one image by GPT Image 2's formula (see {@link gptImage2QualityFactors}). */
function gptImage2Tokens(factor: number, width: number, height: number): number {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const shortAxis = Math.floor((2 * factor * short + long) / (2 * long));
  return Math.ceil((factor * shortAxis * (2_000_000 + width * height)) / 4_000_000);
}

/**
 * The most output tokens one image of this request may cost, for budgets' worst case: by its quality
 * (`high` when it names none, `auto` or a DALL·E one) and its size (the largest default size when it
 * names none, or `auto`), the larger of GPT Image 1's published figures and GPT Image 2's formula —
 * 7,024 for a high-quality 1024×1024 image, 6,240 for 1536×1024. Undefined for a quality without a
 * known figure (a newer model's `xhigh`): its cost cannot be bounded.
 */
export function imageOutputTokensAtMost(request: Pick<ImageGenerationRequest, 'size' | 'quality'>): number | undefined {
  const quality = request.quality ?? 'high';
  const perMegapixel = outputTokensPerMegapixel[quality];
  const factor = gptImage2QualityFactors[quality];
  if (perMegapixel === undefined || factor === undefined) return undefined;
  const size = /^(\d+)x(\d+)$/.exec(request.size ?? '');
  const { width, height } = size === null ? largestDefaultSize : { width: Number(size[1]), height: Number(size[2]) };
  return Math.max(Math.ceil((perMegapixel * width * height) / (1024 * 1024)), gptImage2Tokens(factor, width, height));
}

/** Pixels on a side of the tiles an input image is counted in. */
const inputTileSide = 512;

/**
 * The most input tokens an edit's uploaded image may cost, for budgets' worst case, from its size in
 * pixels: 65 and 129 for each 512×512 tile of the image as sent — the tiling OpenAI bills GPT Image
 * inputs by (a 1024×1024 image, scaled down to one tile, is billed 194), counted here on the image
 * before any scaling down (4 tiles, 581). Undefined for an image whose size could not be read.
 */
export function inputImageTokensAtMost(image: Pick<ImageUpload, 'width' | 'height'>): number | undefined {
  if (image.width === undefined || image.height === undefined) return undefined;
  return 65 + 129 * Math.ceil(image.width / inputTileSide) * Math.ceil(image.height / inputTileSide);
}
