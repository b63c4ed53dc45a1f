import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const destinationModule = fileURLToPath(new URL('../src/logging/batched-log-destination.ts', import.meta.url));

/**
 * Runs `body` in a child Node process (the destination from its TypeScript source) with its stdout a
 * pipe to this process, as the CLI's is; `process.stdout` is touched first, which makes that pipe
 * non-blocking, as in the CLI. Resolves with what the child wrote and how it exited.
 */
async function runChild(body: string, options: { readonly readAfterStderr?: string } = {}): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const script = `import { BatchedLogDestination } from ${JSON.stringify(destinationModule)};\nprocess.stdout;\n${body}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const read = () => child.stdout.on('data', (data: string) => (stdout += data)).resume();
  if (options.readAfterStderr === undefined) read();
  else child.stdout.pause();
  child.stderr.on('data', (data: string) => {
    stderr += data;
    if (options.readAfterStderr !== undefined && stderr.includes(options.readAfterStderr) && child.stdout.listenerCount('data') === 0) read();
  });
  // 'close': the process exited and its pipes were read to the end.
  const [code] = (await once(child, 'close')) as [number | null];
  return { stdout, stderr, code };
}

/** Lines `0` … `count - 1` as the child writes them: a JSON log line each, about 100 characters. */
const writeLines = (count: number, from = 0) => `for (let i = ${from}; i < ${from + count}; i += 1) destination.write(JSON.stringify({ level: 30, n: i, msg: 'request', pad: 'x'.repeat(64) }) + '\\n');`;

function numbersOf(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes('"n":'))
    .map((line) => (JSON.parse(line) as { n: number }).n);
}

describe('BatchedLogDestination', () => {
  it('writes every line in order, in batches and on its timer, and calls back once a flush is written', async () => {
    const { stdout, stderr, code } = await runChild(`
      const destination = new BatchedLogDestination({ batchBytes: 4096, flushIntervalMs: 50 });
      ${writeLines(1000)}
      destination.write('{"n":1000,"msg":"alone"}\\n'); // under a batch: the timer writes it
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.stderr.write('after timer\\n');
      ${writeLines(10, 1001)}
      destination.flush(() => process.stderr.write('flushed\\n'));
    `);
    expect(stderr).toBe('after timer\nflushed\n');
    expect(code).toBe(0);
    expect(numbersOf(stdout)).toEqual(Array.from({ length: 1011 }, (_, index) => index));
  });

  it('writes lines of any size and script whole: multi-byte characters across batch ends, a line larger than a batch', async () => {
    // Batches of 1 KB: lines of 2–4-byte characters fill them unevenly, every 7th line is 3 KB.
    const { stdout, code } = await runChild(`
      const destination = new BatchedLogDestination({ batchBytes: 1024, flushIntervalMs: 20 });
      for (let i = 0; i < 300; i += 1) {
        const text = i % 7 === 0 ? 'ü'.repeat(1500) : 'é'.repeat(i % 50) + '\u{1F600}'.repeat(i % 9) + '語'.repeat(i % 13);
        destination.write(JSON.stringify({ n: i, text }) + '\\n');
        if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 30));
      }
      destination.flush(() => process.stderr.write('flushed\\n'));
    `);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { n: number; text: string });
    expect(lines.map((line) => line.n)).toEqual(Array.from({ length: 300 }, (_, index) => index));
    for (const { n, text } of lines) {
      expect(text).toBe(n % 7 === 0 ? 'ü'.repeat(1500) : 'é'.repeat(n % 50) + '\u{1F600}'.repeat(n % 9) + '語'.repeat(n % 13));
    }
  });

  it('loses no line when the process exits with lines still queued', async () => {
    const { stdout, code } = await runChild(`
      const destination = new BatchedLogDestination({ batchBytes: 1 << 20, flushIntervalMs: 60_000 });
      ${writeLines(500)}
      process.exit(3);
    `);
    expect(code).toBe(3);
    expect(numbersOf(stdout)).toEqual(Array.from({ length: 500 }, (_, index) => index));
  });

  it('waits for a reader that does not keep up (a full pipe), and drops lines only past its limit, saying how many', async () => {
    // 4,000 lines of ~100 characters: 400 KB, far more than a pipe holds while nobody reads it.
    const kept = await runChild(`
      const destination = new BatchedLogDestination({ batchBytes: 8192, flushIntervalMs: 50 });
      ${writeLines(4000)}
      process.stderr.write('queued\\n');
      destination.flush(() => process.stderr.write('flushed\\n'));
    `, { readAfterStderr: 'queued' });
    expect(kept.stderr).toBe('queued\nflushed\n');
    expect(numbersOf(kept.stdout)).toEqual(Array.from({ length: 4000 }, (_, index) => index));

    const dropped = await runChild(`
      const destination = new BatchedLogDestination({ batchBytes: 8192, flushIntervalMs: 50, maxPendingBytes: 200_000 });
      ${writeLines(4000)}
      process.stderr.write('queued\\n');
      destination.flush(() => process.stderr.write('flushed\\n'));
    `, { readAfterStderr: 'queued' });
    expect(dropped.stderr).toBe('queued\nflushed\n');
    const numbers = numbersOf(dropped.stdout);
    // What was written or queued before the limit came out whole and in order; the rest is counted.
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => index));
    expect(numbers.length).toBeGreaterThan(1000);
    expect(numbers.length).toBeLessThan(4000);
    expect(dropped.stdout).toContain(`"msg":"${4000 - numbers.length} log lines dropped: the log reader did not keep up"`);
  });
});
