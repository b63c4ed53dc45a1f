import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecordedRequest } from './recorded-request.js';

/** What every mock upstream offers: its address, what it received, and a queue of programmed replies. */
export interface MockUpstream<TReply> {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request received, in order, including aborted ones. */
  readonly requests: RecordedRequest[];
  /** Programs the answers to the next requests (first in, first out); the others get defaults. */
  enqueue(...replies: TReply[]): void;
  /** Waits (at most `timeoutMs`) until `predicate` holds; returns whether it did. */
  waitFor(predicate: (mock: this) => boolean, timeoutMs?: number): Promise<boolean>;
  /** Forgets recorded requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

/** Answers one request: the recorded request, the next programmed reply (if the route takes one). */
export type MockHandler<TReply> = (request: RecordedRequest, res: ServerResponse, takeReply: () => TReply | undefined) => Promise<void>;

/**
 * Starts an HTTP server on 127.0.0.1 that reads and records each request (noting those whose client
 * went away), then lets `handle` answer it. The skeleton of every testkit mock.
 */
export async function startMockServer<TReply>(port: number | undefined, handle: MockHandler<TReply>): Promise<MockUpstream<TReply>> {
  const queue: TReply[] = [];
  const requests: RecordedRequest[] = [];

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bodyBytes = Buffer.concat(chunks);
    const bodyText = bodyBytes.toString('utf8');
    let body: unknown;
    try {
      body = bodyText === '' ? undefined : JSON.parse(bodyText);
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, bodyText, bodyBytes, body, receivedAt: Date.now(), aborted: false, closedAt: undefined };
    requests.push(record);
    res.on('close', () => {
      record.closedAt = Date.now();
      if (!res.writableFinished) record.aborted = true;
    });
    await handle(record, res, () => queue.shift());
  }

  const server = createServer((req, res) => {
    receive(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`mock failure: ${String(error)}`);
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mock: MockUpstream<TReply> = {
    url,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    async waitFor(predicate, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (predicate(mock)) return true;
        await sleep(10);
      }
      return predicate(mock);
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return mock;
}

/** Sends a JSON answer with its length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Where a mocked stream breaks, stalls or fails, counted in events. */
export interface StreamFaults {
  readonly chunkDelayMs?: number;
  readonly failAfter?: number;
  readonly hangAfter?: number;
  readonly errorAfter?: number;
}

/**
 * Writes events (SSE text, or binary frames) one by one with the programmed faults: a destroyed connection (after flushing
 * what came before, so it really reaches the client), a stall, or `errorEvent` ending the stream.
 * `between` may write extra bytes before an event (keep-alive comments). Ends the response with `end`.
 * Resolves with how many events were written (fewer when the client went away or a fault cut it).
 */
export async function writeMockStream(
  res: ServerResponse,
  events: readonly (string | Uint8Array)[],
  faults: StreamFaults,
  options: { readonly errorEvent: string | Uint8Array; readonly end?: string; readonly between?: (index: number) => string | undefined },
): Promise<number> {
  for (const [index, event] of events.entries()) {
    if (res.destroyed) return index;
    if (faults.failAfter === index) {
      await flush(res);
      res.destroy();
      return index;
    }
    if (faults.hangAfter === index) return index;
    if (faults.errorAfter === index) {
      res.end(options.errorEvent);
      return index;
    }
    const extra = options.between?.(index);
    if (extra !== undefined) res.write(extra);
    if (index > 0 && faults.chunkDelayMs !== undefined) await sleep(faults.chunkDelayMs);
    if (res.destroyed) return index;
    res.write(event);
  }
  res.end(options.end);
  return events.length;
}

/** Resolves once what was written so far is flushed (plus a moment), so a programmed break comes after it. */
export function flush(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => res.write('', () => setTimeout(resolve, 20)));
}

/** Counts whitespace-separated words in any message content shape: the mocks' token count. */
export function countWords(value: unknown): number {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean).length;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + countWords(item), 0);
  if (typeof value === 'object' && value !== null) {
    const item = value as { content?: unknown; text?: unknown; type?: unknown };
    if (item.type === 'image' || item.type === 'image_url') return 0;
    return countWords(item.content ?? item.text);
  }
  return 0;
}

/** Cuts `text` at the first stop sequence it contains, as a model stops there. */
export function applyStopSequences(text: string, stops: readonly string[]): { text: string; stoppedAt: string | undefined } {
  let cut: { index: number; stop: string } | undefined;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index !== -1 && (cut === undefined || index < cut.index)) cut = { index, stop };
  }
  return cut === undefined ? { text, stoppedAt: undefined } : { text: text.slice(0, cut.index), stoppedAt: cut.stop };
}

/** The text of the last user message of a chat body (OpenAI or Anthropic shape): the mocks echo it. */
export function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((message) => message?.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  if (Array.isArray(last?.content)) return last.content.filter((part: any) => part?.type === 'text').map((part: any) => part.text).join(' ');
  return '';
}
