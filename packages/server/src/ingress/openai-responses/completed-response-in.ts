/** The final events of a Responses API stream, whose `response` is the whole answer. */
const finalEvents = ['response.completed', 'response.incomplete'];

/**
 * The response a `response.completed` (or `response.incomplete`) event carries, when one of the whole
 * SSE events in `chunk` is one; undefined otherwise. A chunk without either name is not decoded.
 */
export function completedResponseIn(chunk: Uint8Array): Record<string, unknown> | undefined {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (!finalEvents.some((name) => bytes.includes(name))) return undefined;
  for (const event of bytes.toString('utf8').split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.charAt(5) === ' ' ? 6 : 5))
      .join('\n');
    if (data === '') continue;
    try {
      const parsed = JSON.parse(data) as { type?: unknown; response?: unknown };
      if (typeof parsed.type === 'string' && finalEvents.includes(parsed.type) && typeof parsed.response === 'object' && parsed.response !== null) return parsed.response as Record<string, unknown>;
    } catch {
      // Not JSON (a comment, a partial line): not the final event.
    }
  }
  return undefined;
}
