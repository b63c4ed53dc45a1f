import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';

/** What a worker tells the primary once it listens. */
export interface WorkerReady {
  readonly type: 'tollgate:listening';
  readonly url: string;
  readonly lines: readonly string[];
}

/**
 * `tollgate start --workers N`: a primary that forks N workers sharing one port (node:cluster), keeps
 * them running (a worker that dies is replaced), rolls them over one by one on SIGHUP (a new worker
 * listens before the old one drains), and on SIGTERM/SIGINT lets every worker drain, then exits 0.
 * Shared state belongs in shared stores (Postgres, Redis); circuit breakers and latency stats are per
 * worker.
 */
export async function runCluster(workers: number, args: readonly string[]): Promise<void> {
  // One development key for all workers (used only when the config has no key).
  const generatedKey = `sk-tollgate-dev-${randomBytes(18).toString('base64url')}`;
  cluster.setupPrimary({ args: ['start', ...args], silent: false });
  let stopping = false;
  let banner: readonly string[] = [];

  const fork = (): Worker => {
    const worker = cluster.fork({ TOLLGATE_WORKER: '1', TOLLGATE_GENERATED_MASTER_KEY: generatedKey });
    worker.on('message', (message: WorkerReady) => {
      if (message?.type === 'tollgate:listening') banner = message.lines;
    });
    return worker;
  };
  const ready = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerReady) => message?.type === 'tollgate:listening' && resolve());
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before listening`)));
    });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping || worker.exitedAfterDisconnect) return;
    process.stderr.write(`worker ${worker.process.pid} died (${signal ?? code}); starting another\n`);
    fork();
  });

  const first = Array.from({ length: workers }, fork);
  try {
    await Promise.all(first.map(ready));
  } catch (error) {
    stopping = true;
    for (const worker of first) worker.kill('SIGTERM');
    throw error;
  }
  // Announced once every worker listens.
  process.stderr.write(`${[`Tollgate primary ${process.pid}: ${workers} workers listening`, ...banner].join('\n')}\n`);

  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`${signal}: workers draining requests in flight, then exiting\n`);
    const running = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    Promise.all(running.map((worker) => (worker.isDead() ? undefined : (worker.kill('SIGTERM'), once(worker, 'exit'))))).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    void (async () => {
      process.stderr.write('SIGHUP: replacing workers one by one\n');
      for (const old of Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined)) {
        const fresh = fork();
        await ready(fresh);
        old.disconnect();
        old.kill('SIGTERM');
        await once(old, 'exit');
      }
      process.stderr.write('SIGHUP: all workers replaced\n');
    })().catch((error: unknown) => process.stderr.write(`reload failed: ${String(error)}\n`));
  });
}
