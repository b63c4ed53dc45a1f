import { deflateSync } from 'node:zlib';

/** How {@link mockPdf} lays its objects out. */
export interface MockPdfOptions {
  /**
   * `plain`: every object as it is in the file (PDF 1.4); `object-stream`: the page tree and pages
   * in a Flate-encoded object stream, as PDF 1.5 writers (LaTeX, Word, Chrome) store them;
   * `hex-object-stream`: the same stream in an encoding besides Flate (ASCIIHex), which few readers take.
   */
  readonly layout?: 'plain' | 'object-stream' | 'hex-object-stream';
  /** The text drawn on each page (default: "Page N"). */
  readonly text?: (page: number) => string;
}

/**
 * A small, well-formed PDF of `pages` pages, each a content stream drawing a line of text, for tests
 * of what reads a PDF's pages (a budget's worst case). Not a renderer's fixture: the cross-reference
 * table is left out (readers rebuild it), the objects are what matters.
 */
export function mockPdf(pages: number, options: MockPdfOptions = {}): Buffer {
  const layout = options.layout ?? 'object-stream';
  const text = options.text ?? ((page: number) => `Page ${page}`);
  // Objects: 1 catalog, 2 page tree, 3 font, then for each page its page object and content stream.
  const pageIds = Array.from({ length: pages }, (_, index) => 4 + index * 2);
  const tree = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`;
  const pageObject = (index: number) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index]! + 1} 0 R >>`;
  const content = (index: number) => {
    const stream = `BT /F1 12 Tf 72 720 Td (${text(index + 1)}) Tj ET`;
    return `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  };
  const parts: string[] = ['%PDF-1.5\n%\xE2\xE3\xCF\xD3\n', '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', '3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n'];
  if (layout === 'plain') {
    parts.push(`2 0 obj\n${tree}\nendobj\n`);
    pageIds.forEach((id, index) => parts.push(`${id} 0 obj\n${pageObject(index)}\nendobj\n`));
  } else {
    // An object stream: "id offset" pairs, then the objects one after another.
    const objects = [tree, ...pageIds.map((_, index) => pageObject(index))];
    const ids = [2, ...pageIds];
    let offset = 0;
    const pairs = objects.map((object, index) => {
      const pair = `${ids[index]} ${offset}`;
      offset += object.length + 1;
      return pair;
    });
    const header = `${pairs.join(' ')}\n`;
    const body = Buffer.from(header + objects.join('\n'), 'latin1');
    const encoded = layout === 'object-stream' ? deflateSync(body) : Buffer.from(`${deflateSync(body).toString('hex')}>`, 'latin1');
    const filter = layout === 'object-stream' ? '/FlateDecode' : '[/ASCIIHexDecode /FlateDecode]';
    const streamId = 4 + pages * 2;
    parts.push(`${streamId} 0 obj\n<< /Type /ObjStm /N ${objects.length} /First ${header.length} /Filter ${filter} /Length ${encoded.length} >>\nstream\n`, encoded.toString('latin1'), '\nendstream\nendobj\n');
  }
  pageIds.forEach((id, index) => parts.push(`${id + 1} 0 obj\n${content(index)}\nendobj\n`));
  parts.push('trailer\n<< /Root 1 0 R >>\n%%EOF\n');
  return Buffer.from(parts.join(''), 'latin1');
}
