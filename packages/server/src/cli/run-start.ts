import { startServer } from '../start-server.js';
import { growYoungGenerationAtOnce } from './grow-young-generation-at-once.js';
import { reduceMemoryOnlyWhenIdle } from './reduce-memory-only-when-idle.js';

/** `tollgate start`: runs the gateway until SIGTERM/SIGINT, then drains and exits 0. */
export async function runStart(options: { configFile?: string | undefined; port?: number | undefined; host?: string | undefined }): Promise<void> {
  const startedAt = performance.now();
  // Before the server allocates: its young generation then reaches full size at its first growth.
  const youngGenerationAtOnce = growYoungGenerationAtOnce();
  if (youngGenerationAtOnce) reduceMemoryOnlyWhenIdle();
  const running = await startServer({
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  const { tollgate } = running;
  const models = tollgate.gateway.engine.listModels();
  const lines = [
    `Tollgate listening on ${running.url} (started in ${Math.round(performance.now() - startedAt)} ms)`,
    `  config: ${tollgate.configSource}`,
    `  models: ${models.join(', ') || '(none)'}`,
    `  OpenAI base URL: ${running.url}/v1`,
    `  Node ${process.version}${process.execArgv.length > 0 ? ` (${process.execArgv.join(' ')})` : ''}${youngGenerationAtOnce ? '' : ', V8 default heap sizing'}`,
  ];
  if (tollgate.generatedMasterKey !== undefined) {
    lines.push(
      '  No key is configured, so this run uses a generated development key (not stored; shown only here):',
      `    ${tollgate.generatedMasterKey}`,
      '  Set TOLLGATE_MASTER_KEY or auth.masterKey to choose your own.',
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`${signal}: draining requests in flight, then exiting\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  // Announced once the signals drain: a SIGTERM right after the banner exits 0, not by the signal.
  if (process.send !== undefined && process.env.TOLLGATE_WORKER === '1') {
    // A cluster worker: the primary prints the banner once for all.
    process.send({ type: 'tollgate:listening', url: running.url, lines: lines.slice(1) });
  } else {
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}
