const lineFeed = 0x0a;
const carriageReturn = 0x0d;

/**
 * Index of the first byte of the SSE event holding `index`: just past the blank line before it
 * (`\n\n` or `\r\n\r\n` framing), or 0. Walks back line by line, reading only the event's own bytes.
 */
export function startOfEvent(data: Buffer, index: number): number {
  for (let at = data.lastIndexOf(lineFeed, index); at > 0; at = data.lastIndexOf(lineFeed, at - 1)) {
    if (data[at - 1] === lineFeed || (data[at - 1] === carriageReturn && data[at - 2] === lineFeed)) return at + 1;
  }
  return 0;
}

/**
 * Index just past the blank line that ends the SSE event holding `index` (`\n\n` or `\r\n\r\n`
 * framing), or the data's length when the event is not complete.
 */
export function endOfEvent(data: Buffer, index: number): number {
  for (let at = data.indexOf(lineFeed, index); at !== -1; at = data.indexOf(lineFeed, at + 1)) {
    if (data[at + 1] === lineFeed) return at + 2;
    if (data[at + 1] === carriageReturn && data[at + 2] === lineFeed) return at + 3;
  }
  return data.length;
}

/** Index just past the last complete SSE event (`\n\n` or `\r\n\r\n`), or -1. */
export function endOfLastEvent(data: Buffer): number {
  // Upstreams write whole events, so a read usually ends with one: no search then.
  const length = data.length;
  if (data[length - 1] === lineFeed && (data[length - 2] === lineFeed || (data[length - 2] === carriageReturn && data[length - 3] === lineFeed && data[length - 4] === carriageReturn))) return length;
  const lf = data.lastIndexOf('\n\n');
  const crlf = data.lastIndexOf('\r\n\r\n');
  if (lf === -1 && crlf === -1) return -1;
  return lf > crlf ? lf + 2 : crlf + 4;
}
