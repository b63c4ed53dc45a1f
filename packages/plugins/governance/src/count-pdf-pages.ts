import { constants, inflateSync } from 'node:zlib';

/**
 * The most bytes a PDF's object streams may inflate to, together: they hold object dictionaries,
 * which are small (a thousand pages' take a few MB). Past it the pages are not counted, so a
 * compression bomb costs the event loop no more than this.
 */
const maxObjectStreamBytes = 32 * 1024 * 1024;

/** A page object's dictionary entry (`/Type /Page`, not `/Pages`). */
const pageType = /\/Type\s*\/Page(?![A-Za-z])/g;

/** A page tree node's dictionary entry. */
const pageTreeType = /\/Type\s*\/Pages(?![A-Za-z])/g;

/** An object stream's dictionary, up to the start of its data. */
const objectStreamStart = /<<((?:(?!<<|>>)[\s\S])*?\/Type\s*\/ObjStm(?:(?!<<|>>)[\s\S])*?)>>\s*stream\r?\n/g;

/** Page objects and the largest page tree `/Count` in some PDF text (a file's bytes, or an object stream's). */
function pagesIn(text: string): { pageObjects: number; pageTreeCount: number } {
  const pageObjects = text.match(pageType)?.length ?? 0;
  let pageTreeCount = 0;
  for (const node of text.matchAll(pageTreeType)) {
    // The node's own dictionary: from the `<<` before its type to the `>>` after it.
    const dictionary = text.slice(text.lastIndexOf('<<', node.index), text.indexOf('>>', node.index));
    const count = /\/Count\s+(\d+)/.exec(dictionary);
    if (count !== null) pageTreeCount = Math.max(pageTreeCount, Number(count[1]));
  }
  return { pageObjects, pageTreeCount };
}

/**
 * The pages of a PDF, for bounding what a model charges to read it (each page is read as text and as
 * a picture): its page objects, or its page tree's `/Count` where larger, whether they sit in the file
 * as they are or in object streams (PDF 1.5 and later compress them there, Flate-encoded). Undefined
 * when they cannot be read — no page found, an object stream in another encoding or encrypted, or
 * object streams inflating past 32 MB together — so that a caller bounding a cost refuses rather than
 * guesses low.
 */
export function countPdfPages(pdf: Buffer): number | undefined {
  const text = pdf.toString('latin1');
  let { pageObjects, pageTreeCount } = pagesIn(text);
  let inflatedBytes = 0;
  for (const match of text.matchAll(objectStreamStart)) {
    const dictionary = match[1]!;
    if (!/\/Filter\s*(?:\[\s*)?\/FlateDecode\s*\]?/.test(dictionary) || /\/DecodeParms/.test(dictionary)) return undefined;
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end === -1) return undefined;
    let inflated: Buffer;
    try {
      inflated = inflateSync(pdf.subarray(start, end), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: maxObjectStreamBytes - inflatedBytes });
    } catch {
      return undefined;
    }
    inflatedBytes += inflated.length;
    const found = pagesIn(inflated.toString('latin1'));
    pageObjects += found.pageObjects;
    pageTreeCount = Math.max(pageTreeCount, found.pageTreeCount);
  }
  const pages = Math.max(pageObjects, pageTreeCount);
  return pages === 0 ? undefined : pages;
}
