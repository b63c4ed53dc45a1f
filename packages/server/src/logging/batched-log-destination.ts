import { write, writeSync } from 'node:fs';

/** Options of {@link BatchedLogDestination}. */
export interface BatchedLogDestinationOptions {
  /** The file descriptor lines go to (default 1: stdout). */
  readonly fd?: number;
  /** Bytes waiting that start a write (default 64 K: each write is a hop to libuv's thread pool). */
  readonly batchBytes?: number;
  /** Longest time a line waits to be written (default 200 ms). */
  readonly flushIntervalMs?: number;
  /**
   * Bytes waiting beyond which new lines are dropped, while the reader of the descriptor does not
   * keep up (default 16 M); how many were dropped is logged once writing resumes.
   */
  readonly maxPendingBytes?: number;
}

/** How long a write waits before trying again on a full non-blocking pipe. */
const retryMs = 10;

/** `Atomics.wait` needs a shared buffer: it is how the exit flush sleeps between tries. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Destinations holding lines not yet handed to a write: what the process writes out on exit. */
const unwritten = new Set<BatchedLogDestination>();
let exitHookInstalled = false;

function noteUnwritten(destination: BatchedLogDestination): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const pending of unwritten) pending.flushSync();
    });
  }
  unwritten.add(destination);
}

/**
 * Where the gateway's log lines go: encoded into a 64 KB buffer as they arrive and written in batches
 * of 64 KB or every 200 ms, whichever comes first, one asynchronous write each (never blocking a
 * request), and written synchronously on exit. It replaces `pino.destination()` (sonic-boom) on the
 * hot path: that one concatenates each line onto a growing string and measures its bytes again per
 * line, ~7 µs a line. Lines are encoded on arrival, while they are still in the CPU's caches: kept as
 * strings, joined and encoded once per batch, they cost ~1.2 µs a line more in the running gateway. A
 * full pipe (`EAGAIN`) is retried; a closed one (`EPIPE`) ends logging, as pino's own destination does.
 */
export class BatchedLogDestination {
  readonly #fd: number;
  readonly #batchBytes: number;
  readonly #flushIntervalMs: number;
  readonly #maxPendingBytes: number;
  /** Where lines are encoded; its bytes from `#start` to `#used` wait to be written. */
  #chunk: Buffer;
  #start = 0;
  #used = 0;
  /** Waiting bytes of earlier chunks, to be written before the current chunk's. */
  #sealed: Buffer[] = [];
  #sealedBytes = 0;
  #dropped = 0;
  /** A write in progress: its bytes are not waiting any more. */
  #writing = false;
  /** What is left of the write in progress while it waits to try again (a full pipe). */
  #retrying: Buffer | undefined;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #flushed: (() => void)[] = [];

  constructor(options: BatchedLogDestinationOptions = {}) {
    this.#fd = options.fd ?? 1;
    this.#batchBytes = options.batchBytes ?? 64 * 1024;
    this.#flushIntervalMs = options.flushIntervalMs ?? 200;
    this.#maxPendingBytes = options.maxPendingBytes ?? 16 * 1024 * 1024;
    this.#chunk = Buffer.allocUnsafe(this.#batchBytes);
  }

  /** Queues a line (pino hands over whole lines, newline included). */
  write(line: string): boolean {
    if (this.#closed) return true;
    const pending = this.#pendingBytes();
    if (pending > this.#maxPendingBytes) {
      this.#dropped += 1;
      return true;
    }
    if (pending === 0) noteUnwritten(this);
    this.#append(line);
    if (this.#pendingBytes() >= this.#batchBytes) this.#writeNext();
    else this.#timer ??= setTimeout(() => this.#writeNext(), this.#flushIntervalMs).unref();
    return true;
  }

  /** Writes every queued line; `done` is called once they are all written (or logging ended). */
  flush(done: () => void = () => undefined): void {
    if (this.#closed || (!this.#writing && this.#pendingBytes() === 0)) {
      done();
      return;
    }
    this.#flushed.push(done);
    this.#writeNext();
  }

  /**
   * Writes what waits synchronously (on exit, when the event loop is gone): a write waiting to try
   * again, then the queued lines. A write the system is carrying out is left to finish; the lines
   * queued after it may then land before it.
   */
  flushSync(): void {
    if (this.#closed || (this.#retrying === undefined && this.#pendingBytes() === 0)) return;
    const retrying = this.#retrying;
    this.#retrying = undefined;
    let buffer = retrying === undefined ? this.#takePending() : Buffer.concat([retrying, this.#takePending()]);
    for (let tries = 0; buffer.length > 0 && tries < 1_000; tries += 1) {
      try {
        buffer = buffer.subarray(writeSync(this.#fd, buffer));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return this.#close();
        Atomics.wait(sleeper, 0, 0, 1);
      }
    }
  }

  /** Bytes waiting to be written (the write in progress not counted). */
  #pendingBytes(): number {
    return this.#sealedBytes + this.#used - this.#start;
  }

  /** Encodes a line after the waiting bytes: into the current chunk, or a new one when it may not fit. */
  #append(line: string): void {
    const room = this.#chunk.length - this.#used;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: only a line that may not fit is measured.
    const bytes = line.length * 3 > room ? Buffer.byteLength(line) : 0;
    if (bytes > room) {
      this.#seal();
      if (bytes > this.#batchBytes) {
        this.#sealed.push(Buffer.from(line));
        this.#sealedBytes += bytes;
        return;
      }
      this.#chunk = Buffer.allocUnsafe(this.#batchBytes);
      this.#start = this.#used = 0;
    }
    this.#used += this.#chunk.write(line, this.#used);
  }

  /** Moves the current chunk's waiting bytes behind the sealed ones; later lines go after them. */
  #seal(): void {
    if (this.#used === this.#start) return;
    this.#sealed.push(this.#chunk.subarray(this.#start, this.#used));
    this.#sealedBytes += this.#used - this.#start;
    this.#start = this.#used;
  }

  /** The waiting bytes (and a note of dropped lines) as one buffer; nothing waits after. */
  #takePending(): Buffer {
    if (this.#dropped > 0) {
      this.#append(`${JSON.stringify({ level: 40, time: Date.now(), msg: `${this.#dropped} log lines dropped: the log reader did not keep up` })}\n`);
      this.#dropped = 0;
    }
    this.#seal();
    const buffer = this.#sealed.length === 1 ? this.#sealed[0]! : Buffer.concat(this.#sealed, this.#sealedBytes);
    this.#sealed = [];
    this.#sealedBytes = 0;
    unwritten.delete(this);
    return buffer;
  }

  #writeNext(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing || this.#closed) return;
    if (this.#pendingBytes() === 0) {
      for (const done of this.#flushed.splice(0)) done();
      return;
    }
    this.#writing = true;
    this.#send(this.#takePending());
  }

  #send(buffer: Buffer): void {
    write(this.#fd, buffer, 0, buffer.length, null, (error, written) => {
      if (error !== null) {
        if (error.code === 'EAGAIN') {
          // Kept alive (not unref'd) until the reader takes it; an exit before then writes it synchronously.
          this.#retrying = buffer;
          noteUnwritten(this);
          setTimeout(() => {
            if (this.#retrying === undefined) return; // written on exit
            this.#retrying = undefined;
            this.#send(buffer);
          }, retryMs);
          return;
        }
        this.#close(); // EPIPE, EBADF: nobody reads the log any more
        return;
      }
      if (written < buffer.length) {
        this.#send(buffer.subarray(written));
        return;
      }
      this.#writing = false;
      if (this.#pendingBytes() >= this.#batchBytes || this.#flushed.length > 0) this.#writeNext();
      else if (this.#pendingBytes() > 0) this.#timer ??= setTimeout(() => this.#writeNext(), this.#flushIntervalMs).unref();
    });
  }

  #close(): void {
    this.#closed = true;
    this.#writing = false;
    this.#sealed = [];
    this.#sealedBytes = 0;
    this.#start = this.#used;
    unwritten.delete(this);
    clearTimeout(this.#timer);
    for (const done of this.#flushed.splice(0)) done();
  }
}
