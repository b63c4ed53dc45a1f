import type { Dispatcher } from 'undici';
import { Deadlines, type Deadline } from './deadlines.js';
import { toTransportError, type TransportFailureContext } from './to-transport-error.js';

/** An upstream response body: its bytes as they come, or all at once. */
export interface UpstreamBody extends AsyncIterable<Buffer> {
  /** The whole body, once it ended. */
  bytes(): Promise<Buffer>;
  /** The whole body as an `ArrayBuffer` (a copy; prefer {@link UpstreamBody.bytes}). */
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The answer's headers (Gemini names the tier it served at in one). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What an {@link UpstreamExchange} needs besides the dispatcher. */
export interface UpstreamExchangeInit {
  readonly provider: string;
  readonly origin: string;
  /** The client's abort signal: the call is aborted with it. */
  readonly clientSignal: AbortSignal;
  /** The call's total timeout, from the request to the body's end. */
  readonly totalMs: number;
  /** Builds the error for a status of 400 and above from the upstream's answer. */
  readonly toError: (status: number, headers: Readonly<Record<string, string | string[] | undefined>>, bodyText: string) => Error;
}

/** Buffered bytes above which the upstream socket is paused until the consumer catches up. */
const highWaterBytes = 64 * 1024;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * One upstream call as undici's dispatcher drives it (`pool.dispatch(options, exchange)`), and its
 * body as an async iterator. It replaces `request()` and its body stream on the hot path: no
 * `Readable`, no signal wiring inside undici, chunks handed straight to the waiting reader (or queued,
 * pausing the socket past 64 KB). The client's abort signal and the total timeout abort the call;
 * every failure is named by {@link toTransportError}. An answer of 400 and above is read whole and
 * rejected through `toError`.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler, UpstreamBody, AsyncIterator<Buffer>, TransportFailureContext {
  readonly provider: string;
  readonly origin: string;
  readonly clientSignal: AbortSignal;
  /** Resolves with this exchange when a 2xx answer's headers arrived; rejects with the call's error. */
  readonly answered: Promise<UpstreamExchange>;
  readonly #toError: UpstreamExchangeInit['toError'];
  /** The total timeout: one link in the queue of every call with the same timeout, not a timer each. */
  readonly #deadline: Deadline;
  readonly #onClientAbort = () => this.#abort(this.clientSignal.reason as Error);
  #answer!: Waiter<UpstreamExchange>;
  #controller: Dispatcher.DispatchController | undefined;
  #abortReason: Error | undefined;
  #timedOut = false;
  #status = 0;
  #headers: Readonly<Record<string, string | string[] | undefined>> = {};
  #chunks: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #error: unknown;
  #reader: Waiter<IteratorResult<Buffer>> | undefined;
  #whole: Waiter<Buffer> | undefined;

  constructor(init: UpstreamExchangeInit) {
    this.provider = init.provider;
    this.origin = init.origin;
    this.clientSignal = init.clientSignal;
    this.#toError = init.toError;
    this.answered = new Promise((resolve, reject) => (this.#answer = { resolve, reject }));
    this.#deadline = Deadlines.after(init.totalMs).add(() => {
      this.#timedOut = true;
      this.#abort(new DOMException('The upstream call took longer than its total timeout.', 'TimeoutError') as unknown as Error);
    });
    if (init.clientSignal.aborted) this.#abort(init.clientSignal.reason as Error);
    else init.clientSignal.addEventListener('abort', this.#onClientAbort, { once: true });
  }

  /** True when the total timeout (not the client) ended the call. */
  timedOut(): boolean {
    return this.#timedOut;
  }

  /** The answer's headers (of a 2xx answer, once {@link UpstreamExchange.answered} resolved). */
  get headers(): Readonly<Record<string, string | string[] | undefined>> {
    return this.#headers;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.#status = statusCode;
    this.#headers = headers;
    if (statusCode < 400) this.#answer.resolve(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const reader = this.#reader;
    if (reader !== undefined) {
      this.#reader = undefined;
      reader.resolve({ done: false, value: chunk });
      return;
    }
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.length;
    // A reader of the whole body or of an error answer takes everything; an iterating one is paced.
    if (this.#whole === undefined && this.#status < 400 && this.#queuedBytes > highWaterBytes) controller.pause();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#release();
    if (this.#status >= 400) {
      this.#answer.reject(this.#toError(this.#status, this.#headers, this.#concat().toString('utf8')));
      return;
    }
    this.#whole?.resolve(this.#concat());
    this.#whole = undefined;
    this.#reader?.resolve({ done: true, value: undefined });
    this.#reader = undefined;
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#error !== undefined) return; // aborted before it started, then aborted by undici
    this.#ended = true;
    this.#release();
    const failure = toTransportError(error, this);
    this.#error = failure;
    if (this.#status === 0) return this.#answer.reject(failure);
    // An error answer cut short still names the upstream's status, from what arrived of its body.
    if (this.#status >= 400) return this.#answer.reject(this.#toError(this.#status, this.#headers, this.#concat().toString('utf8')));
    this.#whole?.reject(failure);
    this.#whole = undefined;
    this.#reader?.reject(failure);
    this.#reader = undefined;
  }

  bytes(): Promise<Buffer> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(this.#concat());
    this.#controller?.resume();
    return new Promise((resolve, reject) => (this.#whole = { resolve, reject }));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The next bytes: everything queued since the last call, as one buffer. An upstream's stream comes
   * as many small pieces (undici hands over each chunk of a chunked answer, often one SSE event each,
   * dozens per socket read); handing out what already arrived together saves the relay its per-piece
   * work, while what arrives later still goes out on its own, as soon as it comes.
   */
  next(): Promise<IteratorResult<Buffer>> {
    if (this.#chunks.length > 0) {
      const bytes = this.#concat();
      this.#controller?.resume();
      return Promise.resolve({ done: false, value: bytes });
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.#reader = { resolve, reject }));
  }

  /** The reader stopped early: the call is aborted (its connection is not reused). */
  return(): Promise<IteratorResult<Buffer>> {
    if (!this.#ended) this.#abort(new Error('The upstream body was not read to its end.'));
    this.#chunks = [];
    return Promise.resolve({ done: true, value: undefined });
  }

  #concat(): Buffer {
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#queuedBytes = 0;
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  #abort(reason: Error): void {
    if (this.#ended) return;
    if (this.#controller === undefined) {
      // Not started yet: refuse now, abort when the dispatcher starts it.
      this.#abortReason = reason;
      this.onResponseError(null, reason);
      return;
    }
    this.#controller.abort(reason);
  }

  #release(): void {
    this.#deadline.cancel();
    this.clientSignal.removeEventListener('abort', this.#onClientAbort);
  }
}
