#!/usr/bin/env node
// The `tollgate` command. Commands are imported only after the Node version check, so an old Node
// gets a clear message instead of a syntax or import error.
import { parseArgs } from 'node:util';

const usage = `Usage: tollgate <command> [options]

Commands:
  start [--config FILE] [--port N] [--host HOST] [--workers N]
                                                   run the gateway (N processes sharing the port)
  check [--config FILE]                            validate a config and exit (1 when invalid)
  models sync openrouter [--config FILE] [--out FILE]
                                                   fetch OpenRouter's catalog (prices, context sizes) into a file
  plugin new NAME [--kind provider|guardrail|ledger|cache] [--dir DIR]
                                                   scaffold a plugin package with tests
  keys create --alias NAME [--team T] [--user U] [--org O] [--models a,b] [--tags a,b] [--expires ISO] [--rpm N] [--tpm N] [--parallel N]
  keys update ID [--alias A] [--models a,b] [--tags a,b] [--expires ISO] [--rpm N] [--tpm N] [--parallel N]
  keys list [--team T] | keys rotate ID | keys revoke ID | keys suspend ID | keys activate ID
  orgs|teams|users create ID [--name N] [--org O | --team T] [--models a,b] [--rpm N] [--tpm N] [--parallel N] | orgs|teams|users list | … delete ID
  budgets set SCOPE ID USD [--period daily|weekly|monthly|none] | budgets get SCOPE ID | budgets list
  spend [--by key|user|team|org|end_user|model|provider|service_tier|day|tag] [--from DATE] [--to DATE] [--team T] [--key ID] [--tag T] [--csv]
  requests [--from DATE] [--to DATE] [--team T] [--key ID] [--tag T] [--errors] [--limit N]   recorded requests, newest first
  audit [--limit N]
                                                   manage a running gateway through its admin API
                                                   (--url, default $TOLLGATE_URL or http://127.0.0.1:4000;
                                                   the master key from $TOLLGATE_MASTER_KEY)

Without --config, tollgate.config.{yaml,yml,json,js,mjs,ts,mts} is searched in the current folder;
with none, a built-in offline config (the echo provider) is used.`;

async function main(argv: string[]): Promise<number> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    process.stderr.write(`Tollgate needs Node.js 22.18 or newer; this is ${process.version}. Install Node 24 (for example: npm i node@24).\n`);
    return 1;
  }
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version' || command === '-v') {
    const { createRequire } = await import('node:module');
    process.stdout.write(`${(createRequire(import.meta.url)('../package.json') as { version: string }).version}\n`);
    return 0;
  }
  if (['keys', 'orgs', 'teams', 'users', 'budgets', 'spend', 'requests', 'audit'].includes(command)) {
    const { runAdmin } = await import('./cli/run-admin.js');
    return runAdmin(command, rest);
  }
  if (command === 'models') {
    const { values: modelValues, positionals } = parseArgs({ args: rest, options: { config: { type: 'string', short: 'c' }, out: { type: 'string' } }, allowPositionals: true, strict: false });
    if (positionals[0] !== 'sync') {
      process.stderr.write(`${usage}\n`);
      return 1;
    }
    const { runModelsSync } = await import('./cli/run-models-sync.js');
    return runModelsSync({ source: positionals[1], configFile: modelValues.config as string | undefined, out: modelValues.out as string | undefined });
  }
  if (command === 'plugin') {
    const { values: pluginValues, positionals } = parseArgs({ args: rest, options: { kind: { type: 'string' }, dir: { type: 'string' } }, allowPositionals: true, strict: false });
    if (positionals[0] !== 'new') {
      process.stderr.write(`${usage}\n`);
      return 1;
    }
    const { runPluginNew } = await import('./cli/run-plugin-new.js');
    return runPluginNew({ name: positionals[1], kind: pluginValues.kind as string | undefined, dir: pluginValues.dir as string | undefined });
  }
  let values: { config?: string | undefined; port?: string | undefined; host?: string | undefined; workers?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, host: { type: 'string' }, workers: { type: 'string', short: 'w' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return 1;
  }
  try {
    if (command === 'start') {
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        process.stderr.write(`--port must be a number from 0 to 65535; got "${values.port}".\n`);
        return 1;
      }
      const workers = values.workers === undefined ? 1 : Number(values.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
        process.stderr.write(`--workers must be a number from 1 to 64; got "${values.workers}".\n`);
        return 1;
      }
      if (workers > 1) {
        const { runCluster } = await import('./cli/run-cluster.js');
        await runCluster(workers, rest.filter((_, index) => rest[index - 1] !== '--workers' && rest[index] !== '--workers' && rest[index - 1] !== '-w' && rest[index] !== '-w'));
        return -1;
      }
      const { runStart } = await import('./cli/run-start.js');
      await runStart({ configFile: values.config, port, host: values.host });
      return -1; // keep running
    }
    if (command === 'check') {
      const { runCheck } = await import('./cli/run-check.js');
      await runCheck({ configFile: values.config });
      return 0;
    }
    process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`);
    return 1;
  } catch (error) {
    // Config errors list every problem by path; no stack trace for a user's mistake.
    const { ConfigError } = await import('@tollgate/core');
    if (ConfigError.isInstance(error)) process.stderr.write(`${error.message}\n`);
    else if ((error as { code?: string }).code === 'EADDRINUSE') process.stderr.write(`Cannot listen: ${(error as Error).message}. Choose another --port.\n`);
    else process.stderr.write(`tollgate ${command} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
});
