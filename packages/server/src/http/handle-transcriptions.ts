import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { audioBodyLimit, readAudioForm } from './read-audio-form.js';
import { startRequest } from './start-request.js';
import { writeSse } from './write-sse.js';

const passBytes = (bytes: Uint8Array) => bytes;

/**
 * `POST /v1/audio/transcriptions` (OpenAI's audio API: an audio file's transcript), or with `task:
 * "translate"` `POST /v1/audio/translations` (its transcript in English). The caller is authenticated
 * before the form is read (an upload can be large). The form is read
 * whole (up to 25 MB of audio, or `server.bodyLimit` where larger), its audio measured, and the request
 * goes through auth, routing, budgets, guardrails and logs like any other; the upstream's answer goes
 * back as it wrote it — JSON, or the plain text of `text`, `srt` and `vtt`, or with `stream=true` its
 * events as they come.
 */
export function createTranscriptionsHandler(dependencies: HttpDependencies, task: 'transcribe' | 'translate') {
  const engine = dependencies.gateway.engine;
  const limit = Math.max(audioBodyLimit, dependencies.bodyLimit);
  return async function handleTranscriptions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    try {
      // Who is calling, before up to 26 MB of audio is read: a client without a valid key is refused first.
      await engine.authenticate(ingress.createContext('transcriptions', { value: {}, raw: undefined }));
      const form = await readAudioForm(req, limit, task);
      context = ingress.createContext('transcriptions', { value: form, raw: undefined });
      if (form.stream === 'true') {
        // GPT-4o transcribe's text deltas, relayed as they come.
        const stream = await engine.handleTranscriptionStream(context);
        await writeSse(res, stream.body, passBytes, { signal: ingress.signal, headers: { ...gatewayHeaders(context.asGatewayContext()), 'content-type': stream.contentType } });
        return;
      }
      const result = await engine.handleTranscription(context);
      const payload = result.body ?? JSON.stringify(result.response);
      const contentType = result.body === undefined ? 'application/json' : (result.contentType ?? 'application/json');
      res.writeHead(200, { ...gatewayHeaders(context.asGatewayContext()), 'content-type': contentType, 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } catch (error) {
      ingress.fail(error, context);
    }
  };
}
