import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { GatewayError } from '@tollgate/core';

/**
 * Reads a request's body whole: `tooLarge` over `limit` bytes (checked against `content-length`
 * before reading), 400 when it cannot be read.
 */
export async function readRawBody(req: IncomingMessage, limit: number, tooLarge: () => GatewayError): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  try {
    return await getRawBody(req, { limit, length: req.headers['content-length'] });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw tooLarge();
    throw new GatewayError('TOLLGATE_INVALID_REQUEST', `The request body could not be read: ${(error as Error).message}.`, { cause: error });
  }
}
