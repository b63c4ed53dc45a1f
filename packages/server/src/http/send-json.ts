import type { ServerResponse } from 'node:http';

/** Answers with a JSON body and its length (what Express's `res.json` does, without Express), and `headers`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
