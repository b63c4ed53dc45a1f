import type { Usage } from '@tollgate/core';

/** The usage of speech's `speech.audio.done` event: the text's tokens in, the audio's out. */
export function speechUsage(event: Record<string, any>): Usage {
  const input = Number(event.usage?.input_tokens ?? 0);
  const output = Number(event.usage?.output_tokens ?? 0);
  return { prompt_tokens: input, completion_tokens: output, total_tokens: Number(event.usage?.total_tokens ?? input + output) };
}

/** The audio a `speech.audio.delta` event carries, decoded from base64; undefined for any other event. */
export function speechAudio(event: Record<string, any>): Buffer | undefined {
  return event.type === 'speech.audio.delta' && typeof event.audio === 'string' ? Buffer.from(event.audio, 'base64') : undefined;
}
