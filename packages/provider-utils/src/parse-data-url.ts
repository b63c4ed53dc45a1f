/**
 * The media type and base64 data of a `data:<type>;base64,<data>` URL (how OpenAI clients inline
 * images, audio and files); undefined for any other URL.
 */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match === null ? undefined : { mediaType: match[1]!, data: match[2]! };
}
