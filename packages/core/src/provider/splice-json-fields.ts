/** JSON whitespace bytes: space, tab, line feed, carriage return. */
const whitespace = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * A JSON object's bytes with `fields` added at its top level, spliced in after the opening brace: a
 * copy of the bytes, not a re-encode (a 100 KB request: ~9 µs against ~130 µs to stringify and encode
 * it, measured warm), and the client's formatting kept. The fields must be absent from the object
 * (JSON parsers disagree on duplicate keys). Undefined if the bytes do not start with an object.
 */
export function spliceJsonFields(json: Uint8Array, fields: Readonly<Record<string, unknown>>): Uint8Array | undefined {
  let open = 0;
  while (open < json.length && whitespace.has(json[open]!)) open += 1;
  if (json[open] !== 0x7b) return undefined; // `{`
  let next = open + 1;
  while (next < json.length && whitespace.has(json[next]!)) next += 1;
  const members: string[] = [];
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) members.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  if (members.length === 0) return json;
  const empty = json[next] === 0x7d; // `}`: no comma after the new members
  const head = Buffer.from(`{${members.join(',')}${empty ? '' : ','}`);
  return Buffer.concat([head, json.subarray(open + 1)]);
}
