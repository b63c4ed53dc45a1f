import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError, type ProviderCallOptions } from '@tollgate/core';
import { HttpUpstream } from './http-upstream.js';

const timeouts = { connectMs: 1000, firstByteMs: 2000, idleMs: 2000, totalMs: 5000 };
const servers: Server[] = [];
const upstreams: HttpUpstream[] = [];

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(res));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

function upstreamAt(baseURL: string): HttpUpstream {
  const upstream = new HttpUpstream({ provider: 'test', baseURL, timeouts });
  upstreams.push(upstream);
  return upstream;
}

function callOptions(signal = new AbortController().signal): ProviderCallOptions {
  return { model: 'm', signal, requestId: 'r', rawBody: undefined, passthrough: true, timeouts: {}, clientHeaders: {}, targetParams: undefined };
}

const toError = (status: number, _headers: unknown, text: string) => new Error(`status ${status}: ${text}`);

afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
  for (const server of servers.splice(0)) server.closeAllConnections(), server.close();
});

describe('HttpUpstream', () => {
  it('reads a whole body, and rejects an error answer through toError with its body', async () => {
    const chunks = ['{"a":', '1}'];
    let status = 200;
    const base = await serve((res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      for (const chunk of chunks) res.write(chunk);
      res.end();
    });
    const upstream = upstreamAt(base);
    const body = await upstream.post({ path: '/x', headers: {}, body: '{}', options: callOptions(), toError });
    expect((await body.bytes()).toString()).toBe('{"a":1}');
    status = 429;
    await expect(upstream.post({ path: '/x', headers: {}, body: '{}', options: callOptions(), toError })).rejects.toThrow('status 429: {"a":1}');
  });

  it('paces a slow reader: the upstream feels backpressure instead of the gateway buffering the body', async () => {
    const piece = Buffer.alloc(16 * 1024, 'x');
    const pieces = 1024; // 16 MB
    let written = 0;
    const base = await serve(async (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let index = 0; index < pieces; index += 1) {
        written += piece.length;
        if (!res.write(piece)) await once(res, 'drain');
      }
      res.end();
    });
    const body = await upstreamAt(base).post({ path: '/x', headers: {}, body: '{}', options: callOptions(), toError });
    let received = 0;
    let writtenWhileAsleep = 0;
    for await (const chunk of body) {
      if (received === 0) {
        await sleep(300); // an unpaced reader would have taken the whole body meanwhile
        writtenWhileAsleep = written;
      }
      received += chunk.length;
    }
    expect(received).toBe(piece.length * pieces);
    // Socket buffers take a few MB (3.9 MB measured here); without pacing all 16 MB were taken.
    expect(writtenWhileAsleep).toBeLessThan((piece.length * pieces) / 2);
  });

  it('hands out what arrived together as one piece, and what arrives later on its own', async () => {
    const events = Array.from({ length: 24 }, (_, index) => `data: {"n":${index}}\n\n`);
    let sendLast!: () => void;
    const base = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // 24 chunks of a chunked answer written at once (not corked: Node would merge them into one chunk).
      for (const event of events) res.write(event);
      sendLast = () => res.end('data: [DONE]\n\n');
    });
    const body = await upstreamAt(base).post({ path: '/x', headers: {}, body: '{}', options: callOptions(), toError });
    const pieces: string[] = [];
    for await (const chunk of body) {
      pieces.push(chunk.toString());
      if (pieces.join('').length === events.join('').length) setTimeout(() => sendLast(), 50);
    }
    expect(pieces.join('')).toBe(`${events.join('')}data: [DONE]\n\n`);
    // undici hands each of the 24 chunks over separately; the reader gets them in at most a couple of pieces.
    expect(pieces.length).toBeLessThanOrEqual(3);
    expect(pieces.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('aborts the upstream call when the reader stops early or the client goes away', async () => {
    const closed: string[] = [];
    const base = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      res.on('close', () => closed.push(res.writableFinished ? 'finished' : 'aborted'));
    });
    const upstream = upstreamAt(base);
    const body = await upstream.post({ path: '/x', headers: {}, body: '{}', options: callOptions(), toError });
    for await (const chunk of body) {
      expect(chunk.toString()).toBe('data: 1\n\n');
      break;
    }
    const client = new AbortController();
    const second = await upstream.post({ path: '/x', headers: {}, body: '{}', options: callOptions(client.signal), toError });
    const reading = second[Symbol.asyncIterator]().next().then(() => second[Symbol.asyncIterator]().next());
    client.abort();
    const failure = await reading.catch((error: unknown) => error);
    expect(GatewayError.isInstance(failure) && failure.code).toBe('TOLLGATE_CLIENT_CLOSED_REQUEST');
    for (let attempt = 0; attempt < 50 && closed.length < 2; attempt += 1) await sleep(20);
    expect(closed).toEqual(['aborted', 'aborted']);
  });

  it('refuses at once a call whose client already left', async () => {
    const base = await serve((res) => res.end('{}'));
    const client = new AbortController();
    client.abort();
    const failure = await upstreamAt(base).post({ path: '/x', headers: {}, body: '{}', options: callOptions(client.signal), toError }).catch((error: unknown) => error);
    expect(GatewayError.isInstance(failure) && failure.code).toBe('TOLLGATE_CLIENT_CLOSED_REQUEST');
  });
});
