import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from '@tollgate/core';
import { gatewayHeaders } from './gateway-headers.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { startRequest } from './start-request.js';

/**
 * `POST /v1/audio/speech` (OpenAI's speech API: a text read aloud). Same auth, routing, budgets,
 * guardrails and logs as chat; the audio goes to the client as the upstream makes it (or its events,
 * for `stream_format: "sse"`), with backpressure. A failure after the first bytes cuts the connection:
 * a client never takes truncated audio for a whole answer.
 */
export function createSpeechHandler(dependencies: HttpDependencies) {
  const engine = dependencies.gateway.engine;
  return async function handleSpeech(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = startRequest(req, res, dependencies);
    if (ingress === undefined) return;
    let context: RequestContext | undefined;
    let stream: Awaited<ReturnType<typeof engine.handleSpeech>>;
    try {
      context = ingress.createContext('speech', await readJsonBody(req, dependencies.bodyLimit));
      stream = await engine.handleSpeech(context);
    } catch (error) {
      ingress.fail(error, context);
      return;
    }
    res.writeHead(200, { ...gatewayHeaders(context.asGatewayContext()), 'content-type': stream.contentType, 'cache-control': 'no-cache' });
    // A failure or the client leaving ends the pipeline; the engine records either as the stream's end.
    await pipeline(Readable.from(stream.body, { objectMode: false }), res).catch(() => res.destroy());
  };
}
