/** Whether a byte is JSON whitespace: space, tab, line feed, carriage return. */
function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * A JSON object's bytes with `fields` added at its top level, spliced in after the opening brace: a
 * copy of the bytes, not a re-encode (a 100 KB request: ~9 µs against ~130 µs to stringify and encode
 * it, measured warm), and the client's formatting kept. The fields must be absent from the object
 * (JSON parsers disagree on duplicate keys). Undefined if the bytes do not start with an object.
 */
export function spliceJsonFields(json: Uint8Array, fields: Readonly<Record<string, unknown>>): Uint8Array | undefined {
  let open = 0;
  while (open < json.length && isWhitespace(json[open])) open += 1;
  if (json[open] !== 0x7b) return undefined; // `{`
  let next = open + 1;
  while (next < json.length && isWhitespace(json[next])) next += 1;
  let members = '';
  for (const name in fields) {
    const value = fields[name];
    if (value !== undefined && Object.hasOwn(fields, name)) members += `${members === '' ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  if (members === '') return json;
  const empty = json[next] === 0x7d; // `}`: no comma after the new members
  const head = `{${members}${empty ? '' : ','}`;
  // One buffer, written in place: the new members, then the client's bytes after its brace.
  const headBytes = Buffer.byteLength(head);
  const spliced = Buffer.allocUnsafe(headBytes + json.length - open - 1);
  spliced.write(head, 0, headBytes, 'utf8');
  spliced.set(json.subarray(open + 1), headBytes);
  return spliced;
}

/**
 * A JSON object's bytes with `fields` set at its top level, over the values it had: parsed and
 * re-encoded, for a field the client set (a budget lowering its `max_tokens`), where a splice would
 * leave two of it. Undefined if the bytes are not an object.
 */
export function setJsonFields(json: Uint8Array, fields: Readonly<Record<string, unknown>>): Uint8Array | undefined {
  const body = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8')) as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  for (const name in fields) if (fields[name] !== undefined && Object.hasOwn(fields, name)) (body as Record<string, unknown>)[name] = fields[name];
  return Buffer.from(JSON.stringify(body));
}
