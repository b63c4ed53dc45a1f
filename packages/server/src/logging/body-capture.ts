import { ChunkAccumulator, redactSecrets, type ChatCompletionResponse, type GatewayContext, type HookMap } from '@tollgate/core';

declare module '@tollgate/core' {
  interface ContextVariableMap {
    loggedAnswer: ChunkAccumulator | string;
  }
}

/** The most of a body a log line carries. */
const maxLoggedCharacters = 8 * 1024;

function clip(text: string): string {
  return text.length <= maxLoggedCharacters ? text : `${text.slice(0, maxLoggedCharacters)}… (${text.length - maxLoggedCharacters} more characters)`;
}

/**
 * Hooks that keep a copy of each answer's text for the request log line (`logging.bodies: true`):
 * a whole answer as it is, a stream added up chunk by chunk. Registered only when body logging is
 * on — they turn off the byte passthrough.
 */
export function createBodyCaptureHooks(): Pick<HookMap, 'transform.response' | 'transform.chunk'> {
  return {
    'transform.response'(context, response) {
      if (context.operation === 'chat') context.set('loggedAnswer', (response as ChatCompletionResponse).choices.map((choice) => choice.message.content ?? '').join('\n'));
      return undefined;
    },
    'transform.chunk'(context, chunk) {
      let answer = context.get('loggedAnswer');
      if (!(answer instanceof ChunkAccumulator)) context.set('loggedAnswer', (answer = new ChunkAccumulator()));
      answer.add(chunk);
      return undefined;
    },
  };
}

/** The request's messages (an embeddings, moderation or speech request's input, a rerank request's query and documents, an image request's prompt (an edit's with its uploads' names and sizes), a transcription's file name, size and prompt) and the answer's text, secrets redacted and clipped, for the log line. */
export function bodyLogFields(context: GatewayContext): { request: string; response?: string } {
  const request =
    context.operation === 'chat'
      ? context.request.messages
      : context.operation === 'embeddings' || context.operation === 'moderations' || context.operation === 'speech'
        ? context.request.input
        : context.operation === 'images'
          ? context.request.files === undefined
            ? context.request.prompt
            : { prompt: context.request.prompt, files: context.request.files.map((file) => ({ field: file.field, name: file.name, bytes: file.bytes.byteLength })) }
          : context.operation === 'transcriptions'
            ? { file: context.request.file.name, bytes: context.request.file.bytes.byteLength, prompt: context.request.prompt }
            : { query: context.request.query, documents: context.request.documents };
  const answer = context.get('loggedAnswer');
  const text = answer instanceof ChunkAccumulator ? answer.toResponse().choices.map((choice) => choice.message.content ?? '').join('\n') : answer;
  return { request: clip(redactSecrets(JSON.stringify(request))), ...(text === undefined ? {} : { response: clip(redactSecrets(text)) }) };
}
