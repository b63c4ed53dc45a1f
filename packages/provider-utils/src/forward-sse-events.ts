/** What an inspector makes of complete SSE events: the bytes to forward, and an error to end with. */
export interface InspectedEvents {
  readonly bytes: Buffer;
  readonly error?: unknown;
}

/** Index just past the last complete SSE event (`\n\n` or `\r\n\r\n`), or -1. */
function endOfLastEvent(data: Buffer): number {
  const lf = data.lastIndexOf('\n\n');
  const crlf = data.lastIndexOf('\r\n\r\n');
  if (lf === -1 && crlf === -1) return -1;
  return lf > crlf ? lf + 2 : crlf + 4;
}

/**
 * Forwards an SSE byte stream event-aligned and unbatched: each read's complete events go out as soon
 * as they arrived (a partial event waits for its end), after `inspect` saw them — to tap usage, cut an
 * event, or stop with an error once the events before it were forwarded. The passthrough path of
 * every streaming provider.
 */
export async function* forwardSseEvents(body: AsyncIterable<Buffer>, inspect: (events: Buffer) => InspectedEvents): AsyncGenerator<Uint8Array> {
  let pending: Buffer | undefined;
  for await (const chunk of body) {
    const data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    const end = endOfLastEvent(data);
    if (end === -1) {
      pending = data;
      continue;
    }
    pending = end < data.length ? data.subarray(end) : undefined;
    const { bytes, error } = inspect(end < data.length ? data.subarray(0, end) : data);
    if (bytes.length > 0) yield bytes;
    if (error !== undefined) throw error;
  }
  if (pending !== undefined && pending.length > 0) {
    const { bytes, error } = inspect(pending);
    if (bytes.length > 0) yield bytes;
    if (error !== undefined) throw error;
  }
}
