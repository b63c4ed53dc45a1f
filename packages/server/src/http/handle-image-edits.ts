import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { imageEditBodyLimit, readImageEditForm } from './read-image-edit-form.js';
import { startRequest } from './start-request.js';
import { writeSse } from './write-sse.js';

const passBytes = (bytes: Uint8Array) => bytes;

/**
 * `POST /v1/images/edits` (OpenAI's Images API: new images from uploaded ones and a prompt). The
 * caller is authenticated before the form is read (uploads can be large); the form is read whole (up
 * to 50 MB, or `server.bodyLimit` where larger), each image's size in pixels read from its header, and
 * the request goes through auth, routing, budgets, guardrails and logs like a generation; the
 * upstream's answer goes back as its bytes, or with `stream=true` its events as they come.
 */
export function createImageEditsHandler(dependencies: HttpDependencies) {
  const engine = dependencies.gateway.engine;
  const limit = Math.max(imageEditBodyLimit, dependencies.bodyLimit);
  return async function handleImageEdits(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      // Who is calling, before up to 51 MB of images is read: a client without a valid key is refused first.
      await engine.authenticate(ingress.createContext('images', { value: {}, raw: undefined }));
      const form = await readImageEditForm(req, limit);
      context = ingress.createContext('images', { value: form, raw: undefined });
      if (form.stream === true) {
        // GPT Image's partial images, relayed as they come.
        const stream = await engine.handleImagesStream(context);
        await writeSse(res, stream.body, passBytes, { signal: ingress.signal, headers: { ...gatewayHeaders(context.asGatewayContext()), 'content-type': stream.contentType } });
        return;
      }
      const result = await engine.handleImages(context);
      const payload = result.body ?? JSON.stringify(result.response);
      res.writeHead(200, { ...gatewayHeaders(context.asGatewayContext()), 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
