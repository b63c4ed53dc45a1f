import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mockPdf } from '@tollgate/testkit';
import { countPdfPages } from './count-pdf-pages.js';

describe('countPdfPages', () => {
  it('counts the pages of a PDF whose objects sit in the file as they are', () => {
    expect(countPdfPages(mockPdf(3, { layout: 'plain' }))).toBe(3);
    // A page's text saying "/Type /Page" is inside a content stream, not a page object: it counts the same.
    expect(countPdfPages(mockPdf(1, { layout: 'plain', text: () => 'one' }))).toBe(1);
  });

  it('counts the pages PDF 1.5 writers compress into Flate-encoded object streams, which a scan of the bytes misses', () => {
    const pdf = mockPdf(40);
    expect(pdf.toString('latin1')).not.toMatch(/\/Type\s*\/Page\b/);
    expect(countPdfPages(pdf)).toBe(40);
  });

  it('takes the page tree\'s /Count where it says more than the page objects found', () => {
    const pdf = Buffer.from(mockPdf(2, { layout: 'plain' }).toString('latin1').replace('/Count 2', '/Count 9'), 'latin1');
    expect(countPdfPages(pdf)).toBe(9);
  });

  it('cannot tell (undefined) when the pages are out of reach: an object stream in another encoding, one that does not inflate, no page at all', () => {
    expect(countPdfPages(mockPdf(5, { layout: 'hex-object-stream' }))).toBeUndefined();
    const corrupt = Buffer.from(mockPdf(5).toString('latin1').replace(/stream\n[\s\S]*?\nendstream/, 'stream\nnot flate at all\nendstream'), 'latin1');
    expect(countPdfPages(corrupt)).toBeUndefined();
    expect(countPdfPages(Buffer.from('not a pdf'))).toBeUndefined();
    expect(countPdfPages(deflateSync('%PDF-1.4 compressed whole'))).toBeUndefined();
  });

  it('stops inflating object streams past 32 MB together: a compression bomb is not counted, not read to its end', () => {
    // Three object streams of ~12 MB of zeros each, a few KB compressed.
    const bomb = deflateSync(Buffer.alloc(12 * 1024 * 1024));
    const stream = (id: number) => Buffer.concat([Buffer.from(`${id} 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`, 'latin1'), bomb, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
    const pdf = Buffer.concat([mockPdf(1, { layout: 'plain' }), stream(90), stream(91), stream(92)]);
    expect(pdf.length).toBeLessThan(200_000);
    expect(countPdfPages(pdf)).toBeUndefined();
    // Two of them fit: the page is counted.
    expect(countPdfPages(Buffer.concat([mockPdf(1, { layout: 'plain' }), stream(90), stream(91)]))).toBe(1);
  });
});
