import type { ContentPart, CountPart } from '@tollgate/core';
import { imageSize } from 'image-size';
import { countPdfPages } from './count-pdf-pages.js';

/** A `data:` URL's media type and base64 payload. */
function dataUrlOf(url: unknown): { mediaType: string; data: string } | undefined {
  if (typeof url !== 'string') return undefined;
  const match = /^data:([^;,]+);base64,/.exec(url);
  return match === null ? undefined : { mediaType: match[1]!.toLowerCase(), data: url.slice(match[0].length) };
}

/** What a budget holds for an image at least, or whose size cannot be read: as the gateway's default count. */
const leastImageTokens = 1_500;

/**
 * Base64 characters decoded, in turn, to read an image's size: a PNG's, GIF's or WebP's header is in
 * its first bytes, a JPEG's frame after its metadata segments (a phone photo's EXIF: up to 64 KB).
 */
const imageHeaderChars = [4 * 1024, 256 * 1024];

/** An image's size in pixels, from its header (the whole image when the header is not enough); undefined when unreadable. */
function pixelsOf(base64: string): number | undefined {
  for (const chars of [...imageHeaderChars.filter((prefix) => prefix < base64.length), base64.length]) {
    try {
      const { width, height } = imageSize(Buffer.from(base64.slice(0, chars - (chars % 4)), 'base64'));
      if (width > 0 && height > 0) return width * height;
    } catch {
      // A header cut short: read the whole image.
    }
  }
  return undefined;
}

/** A PDF whose pages cannot be read: its worst case cannot be bounded. */
export class UncountablePdfError extends Error {}

/** What {@link inlineInputTokens} holds inline content at. */
export interface InlineInputCosts {
  /** Tokens a PDF page may cost (read as its text and as a picture). */
  readonly pdfPageTokens: number;
  /** Pixels an image token stands for at the dearest: an image holds its pixels ÷ this, at least 1,500. */
  readonly imagePixelsPerToken: number;
  /** The least an image holds, whatever its size, when a target bills images above the pixel rule (GPT-4o mini). */
  readonly imageTokensAtLeast?: number;
}

/**
 * Counts inline content for a budget's worst case: an image sent as data by its size (its pixels ÷
 * `imagePixelsPerToken`, at least 1,500: the newest models read a large photo as ~10,000 tokens), and
 * any image at least `imageTokensAtLeast` (a target that bills images above the pixel rule), a
 * PDF as its pages times `pdfPageTokens`, a plain text file as its text; anything else as the default
 * count (undefined: an image by URL as 1,500, another part as its JSON). A PDF whose pages cannot be
 * read throws {@link UncountablePdfError}.
 */
export function inlineInputTokens(costs: InlineInputCosts, countText: (text: string) => number): CountPart {
  return (part: ContentPart) => {
    if (part.type === 'image_url') {
      const image = dataUrlOf((part.image_url as { url?: unknown } | undefined)?.url);
      const pixels = image === undefined ? undefined : pixelsOf(image.data);
      const atLeast = Math.max(leastImageTokens, costs.imageTokensAtLeast ?? 0);
      if (pixels === undefined) return atLeast === leastImageTokens ? undefined : atLeast;
      return Math.max(atLeast, Math.ceil(pixels / costs.imagePixelsPerToken));
    }
    if (part.type !== 'file') return undefined;
    const inline = dataUrlOf((part.file as { file_data?: unknown } | undefined)?.file_data);
    if (inline === undefined) return undefined;
    if (inline.mediaType === 'text/plain') return countText(Buffer.from(inline.data, 'base64').toString('utf8'));
    if (inline.mediaType !== 'application/pdf') return undefined;
    const pages = countPdfPages(Buffer.from(inline.data, 'base64'));
    if (pages === undefined) throw new UncountablePdfError();
    return pages * costs.pdfPageTokens;
  };
}
