import type { ContentPart, CountOtherPart } from '@tollgate/core';
import { countPdfPages } from './count-pdf-pages.js';

/** A `data:` URL's media type and base64 payload. */
function dataUrlOf(url: unknown): { mediaType: string; data: string } | undefined {
  if (typeof url !== 'string') return undefined;
  const match = /^data:([^;,]+);base64,/.exec(url);
  return match === null ? undefined : { mediaType: match[1]!.toLowerCase(), data: url.slice(match[0].length) };
}

/** A file part's inline content: a chat `file` part's `file_data` (how every ingress carries an inline document). */
function inlineFileOf(part: ContentPart): { mediaType: string; data: string } | undefined {
  if (part.type !== 'file') return undefined;
  return dataUrlOf((part.file as { file_data?: unknown } | undefined)?.file_data);
}

/** A PDF whose pages cannot be read: its worst case cannot be bounded. */
export class UncountablePdfError extends Error {}

/**
 * Counts an inline file for a budget's worst case: a PDF as its pages times `pdfPageTokens` (models
 * read each page as text and as a picture: Anthropic puts the text at 1,500–3,000 tokens a page, the
 * picture up to ~1,600), a plain text file as its text; any other part as its JSON (undefined). A PDF
 * whose pages cannot be read throws {@link UncountablePdfError}.
 */
export function fileInputTokens(pdfPageTokens: number, countText: (text: string) => number): CountOtherPart {
  return (part) => {
    const inline = inlineFileOf(part);
    if (inline === undefined) return undefined;
    if (inline.mediaType === 'text/plain') return countText(Buffer.from(inline.data, 'base64').toString('utf8'));
    if (inline.mediaType !== 'application/pdf') return undefined;
    const pages = countPdfPages(Buffer.from(inline.data, 'base64'));
    if (pages === undefined) throw new UncountablePdfError();
    return pages * pdfPageTokens;
  };
}
