import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import getRawBody from 'raw-body';
import { GatewayError } from '@tollgate/core';

/** Decompressors of the request `content-encoding`s read, as Express's body parsers read them. */
const decompressors: Readonly<Record<string, () => NodeJS.ReadWriteStream>> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

/**
 * The body as it reads: the request itself, or its decompressed bytes for a `content-encoding` of
 * gzip, deflate or br; 415 for another encoding.
 */
function decodedBody(req: IncomingMessage): Readable {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return req;
  const decompressor = decompressors[encoding];
  if (decompressor === undefined) throw new GatewayError('TOLLGATE_UNSUPPORTED_MEDIA_TYPE', `The body's content-encoding "${encoding}" is not one this gateway reads (gzip, deflate, br, or none).`);
  const decoded = decompressor();
  // A body that does not decompress fails the read, as a truncated one does.
  req.on('error', (error) => decoded.emit('error', error));
  return req.pipe(decoded) as unknown as Readable;
}

/**
 * Reads a request's body whole, decompressed when it came compressed (gzip, deflate, br):
 * `tooLarge` over `limit` bytes (checked against `content-length` before reading, and against the
 * decompressed bytes as they come, so a small bomb cannot fill memory), 400 when it cannot be read.
 */
export async function readRawBody(req: IncomingMessage, limit: number, tooLarge: () => GatewayError): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const body = decodedBody(req);
  try {
    // The declared length is the compressed one: checked only when the body comes as it is.
    return await getRawBody(body, { limit, ...(body === req ? { length: req.headers['content-length'] } : {}) });
  } catch (error) {
    // A decompressor left mid-body holds its window: let it go.
    if (body !== req) body.destroy();
    if ((error as { type?: string }).type === 'entity.too.large') throw tooLarge();
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `The request body could not be read: ${(error as Error).message}.`, { cause: error });
  }
}
