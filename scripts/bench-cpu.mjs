// `pnpm bench:cpu`: CPU time each gateway spends per request, next to the bare proxy's — a figure the
// shared machine's contention does not move, unlike req/s. Starts the harness's mock upstream, the bare
// undici proxy and Tollgate (bench/tollgate.bench.yaml, or --config), then for each in turn sends
// non-streaming (and streaming) requests open-loop at a fixed rate and reads the process's user+system
// CPU time from /proc before and after. `--cpu-prof` writes V8 CPU profiles of Tollgate and the bare
// proxy to .bench/, each named after its process ID (printed at the start).
// Flags: --rate 2000 (or --connections 64: a closed loop, the gateway saturated) --seconds 8 --rounds 3 --config bench/tollgate.bench.yaml --stream, --prompt-kb 100
// (an agent-sized prompt: that many KB of earlier turns in the messages), and
// --node-flag=--max-semi-space-size=32 (repeatable) to try a V8 flag on Tollgate's processes, and
// --before ../tollgate-old (another checkout, built) to measure its Tollgate in the same rounds, and
// --before-config bench/other.yaml to give it (or this checkout, with `--before .`) another config:
// what one feature costs. `--threads` adds where each target's CPU went, by thread (the main thread,
// worker threads such as the ledger's writer, libuv's pool, V8's helpers), from /proc/<pid>/task.
// `--alloc` adds the bytes each target's JavaScript allocated per request (V8's `--trace-gc-nvp`
// reports them at every collection): steadier from run to run than CPU time on a shared machine.
// `--syscalls` adds each target's read and write system calls per request (/proc/<pid>/io).
// With `--cpu-prof`, each main thread's profile of the measured rounds (start-up and warm-up left out) is
// also drawn as a flame graph, .bench/flame-<target>.svg, and summed up by area, per request.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { areasTable, flameGraphSvg, frameTree } from './flame-graph.mjs';
import { prepareHarness } from './prepare-harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const harness = prepareHarness(root);
// The harness's pinned undici drives the load.
const { Agent, request } = await import(join(harness, 'node_modules', 'undici', 'index.js'));
const { values: options } = parseArgs({
  // `pnpm bench:cpu -- --rate 1000` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rate: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    config: { type: 'string', default: 'bench/tollgate.bench.yaml' },
    stream: { type: 'boolean', default: false },
    'prompt-kb': { type: 'string', default: '0' },
    'cpu-prof': { type: 'boolean', default: false },
    threads: { type: 'boolean', default: false },
    alloc: { type: 'boolean', default: false },
    syscalls: { type: 'boolean', default: false },
    'node-flag': { type: 'string', multiple: true, default: [] },
    before: { type: 'string' },
    'before-config': { type: 'string' },
  },
});
const rate = Number(options.rate);
/** With `--connections N`, a closed loop of N connections (each sends its next request when its last is answered) instead of a fixed rate. */
const connections = Number(options.connections);
const seconds = Number(options.seconds);
const clockTicks = 100; // USER_HZ on Linux
const children = [];

/** Bytes allocated by each child's isolates, as their collections reported them (`--alloc`). */
const allocated = new Map();

function start(name, args, env = {}, cwd = root) {
  const flags = options.alloc ? ['--trace-gc-nvp'] : [];
  const child = spawn(process.execPath, [...flags, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  allocated.set(child.pid, 0);
  if (options.alloc) {
    let rest = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        const match = / allocated=(\d+) /.exec(line);
        if (match !== null) allocated.set(child.pid, allocated.get(child.pid) + Number(match[1]));
      }
    });
  } else child.stdout.resume();
  child.stderr.on('data', (data) => process.stderr.write(`[${name}] ${data}`));
  children.push(child);
  return child;
}

/** User + system CPU seconds of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/**
 * User + system CPU seconds of each of a process's threads, summed by kind: the main thread
 * ("main"), then by the name the thread goes by (libuv's pool, V8's helpers, worker threads).
 */
function cpuSecondsByThread(pid) {
  const byKind = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const kind = tid === String(pid) ? 'main' : name.replace(/[0-9]+$/, '').trim();
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    byKind[kind] = (byKind[kind] ?? 0) + (Number(fields[11]) + Number(fields[12])) / clockTicks;
  }
  return byKind;
}

/** Read and write system calls a process made so far (`syscr`, `syscw` of /proc/<pid>/io). */
function syscallCounts(pid) {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return { reads: Number(/syscr: (\d+)/.exec(io)[1]), writes: Number(/syscw: (\d+)/.exec(io)[1]) };
}

async function waitReady(url, headers) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      const response = await request(url, { headers });
      await response.body.dump();
      if (response.statusCode < 500) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never answered`);
}

/** Earlier turns of an agent's conversation, about `--prompt-kb` KB of them. */
function history(kilobytes) {
  const turns = [];
  for (let turn = 0; turns.reduce((sum, message) => sum + message.content.length, 0) < kilobytes * 1024; turn += 1) {
    turns.push({ role: 'user', content: `Step ${turn}: run the tests.` }, { role: 'assistant', content: `Tool output ${turn}: ` + '{"file": "src/a.ts", "line": 12, "ok": true} the suite ran 463 tests. '.repeat(40) });
  }
  return turns;
}
const messages = [...history(Number(options['prompt-kb'])), { role: 'user', content: 'Say hello to the benchmark.' }];
const body = JSON.stringify({ model: 'bench-model', messages, ...(options.stream ? { stream: true } : {}) });

/** Sends requests on `connections` connections for `seconds`, each as soon as its last was answered: the gateway saturated, as the throughput scenario has it. */
async function closedLoad(base, headers) {
  const agent = new Agent({ connections, pipelining: 1 });
  const ends = performance.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  const loop = async () => {
    while (performance.now() < ends) {
      try {
        const response = await request(`${base}/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...headers }, body });
        await response.body.dump({ limit: 1 << 20 });
        if (response.statusCode === 200) ok += 1;
        else failed += 1;
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  await agent.close();
  return { ok, failed };
}

/** Sends `rate` requests a second for `seconds`, open loop (or closed, with `--connections`); returns how many succeeded. */
async function load(base, headers) {
  if (connections > 0) return closedLoad(base, headers);
  const agent = new Agent({ connections: 256, pipelining: 1 });
  const total = rate * seconds;
  const started = performance.now();
  let ok = 0;
  let failed = 0;
  const pending = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      request(`${base}/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...headers }, body })
        .then(async (response) => {
          await response.body.dump({ limit: 1 << 20 });
          if (response.statusCode === 200) ok += 1;
          else failed += 1;
        })
        .catch(() => void (failed += 1)),
    );
  }
  await Promise.all(pending);
  await agent.close();
  return { ok, failed };
}

const mockEnv = { MOCK_UPSTREAM_URL: 'http://127.0.0.1:18180/v1', MOCK_SLOW_UPSTREAM_URL: 'http://127.0.0.1:18180/v1' };
start('mock', [join(harness, 'mock-upstream.mjs'), '--port', '18180']);
mkdirSync(join(root, '.bench'), { recursive: true });
const profile = options['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(root, '.bench')] : [];
const baseline = start('baseline', [...profile, join(harness, 'baseline-proxy.mjs'), '--port', '18181', '--upstream', mockEnv.MOCK_UPSTREAM_URL]);
const tollgate = start('tollgate', [...profile, ...options['node-flag'], 'packages/server/dist/cli.js', 'start', '--config', options.config, '--port', '14100'], mockEnv);
if (options['cpu-prof']) console.log(`CPU profiles in .bench/: baseline PID ${baseline.pid}, tollgate PID ${tollgate.pid}`);
const auth = { authorization: 'Bearer sk-bench-master-key-000001' };
const targets = [
  { name: 'baseline', pid: baseline.pid, base: 'http://127.0.0.1:18181/v1', headers: {} },
  { name: 'tollgate', pid: tollgate.pid, base: 'http://127.0.0.1:14100/v1', headers: auth },
];
if (options.before !== undefined) {
  // Another checkout's build, same config unless told (relative paths resolve in its folder), in the same rounds.
  const config = options['before-config'] ?? options.config;
  const before = start('before', [...options['node-flag'], 'packages/server/dist/cli.js', 'start', '--config', config, '--port', '14101'], { ...mockEnv, TOLLGATE_BENCH_DB: '.bench/before.sqlite' }, resolve(options.before));
  targets.push({ name: 'before', pid: before.pid, base: 'http://127.0.0.1:14101/v1', headers: auth });
}
/** When the measured rounds began, on the clock CPU profiles keep (`process.hrtime()`'s, in microseconds). */
let measuredFrom = 0;
try {
  await waitReady('http://127.0.0.1:18180/v1/models', {});
  for (const target of targets) await waitReady(`${target.base}/models`, target.headers);
  for (const target of targets) await load(target.base, target.headers); // warm-up (JIT)
  measuredFrom = Number(process.hrtime.bigint() / 1000n);
  const samples = Object.fromEntries(targets.map((target) => [target.name, []]));
  const byThread = Object.fromEntries(targets.map((target) => [target.name, {}]));
  const allocations = Object.fromEntries(targets.map((target) => [target.name, []]));
  const syscalls = Object.fromEntries(targets.map((target) => [target.name, { reads: [], writes: [] }]));
  for (let round = 0; round < Number(options.rounds); round += 1) {
    // Each round starts with another target, so none is always measured at the same point of a round
    // (the machine's state drifts within one; single samples here moved by up to 60 %).
    const order = targets.map((_, index) => targets[(index + round) % targets.length]);
    for (const target of order) {
      const before = cpuSeconds(target.pid);
      const threadsBefore = options.threads ? cpuSecondsByThread(target.pid) : {};
      const allocatedBefore = allocated.get(target.pid);
      const syscallsBefore = options.syscalls ? syscallCounts(target.pid) : undefined;
      const { ok, failed } = await load(target.base, target.headers);
      if (syscallsBefore !== undefined) {
        const after = syscallCounts(target.pid);
        syscalls[target.name].reads.push((after.reads - syscallsBefore.reads) / ok);
        syscalls[target.name].writes.push((after.writes - syscallsBefore.writes) / ok);
      }
      const used = cpuSeconds(target.pid) - before;
      allocations[target.name].push((allocated.get(target.pid) - allocatedBefore) / ok);
      if (options.threads) {
        for (const [kind, seconds] of Object.entries(cpuSecondsByThread(target.pid))) {
          const perRequest = ((seconds - (threadsBefore[kind] ?? 0)) * 1e6) / ok;
          (byThread[target.name][kind] ??= []).push(perRequest);
        }
      }
      samples[target.name].push({ microsPerRequest: (used * 1e6) / ok, ok, failed });
      target.requests = (target.requests ?? 0) + ok + failed;
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const floor = median(samples.baseline.map((sample) => sample.microsPerRequest));
  const loadLabel = connections > 0 ? `closed loop, ${connections} connections` : `${rate} req/s`;
  console.log(`| ${options.stream ? 'streaming' : 'non-streaming'}, ${loadLabel}, ${(body.length / 1024).toFixed(0)} KB body | CPU µs per request (median of ${options.rounds}) | × baseline | req/s (median) | failed |`);
  console.log('|---|--:|--:|--:|--:|');
  for (const target of targets) {
    const value = median(samples[target.name].map((sample) => sample.microsPerRequest));
    const failed = samples[target.name].reduce((sum, sample) => sum + sample.failed, 0);
    const perSecond = median(samples[target.name].map((sample) => sample.ok / seconds));
    console.log(`| ${target.name} | ${value.toFixed(1)} | ${(value / floor).toFixed(2)}× | ${perSecond.toFixed(0)} | ${failed} |`);
  }
  // Each round's figures, and each target over the baseline in that round: on a shared machine a
  // round's state moves all targets together, so a ratio within a round is steadier than the medians.
  console.log('\n| round | ' + targets.map((target) => target.name).join(' | ') + ' |');
  console.log('|---|' + targets.map(() => '--:|').join(''));
  const ratioInRound = (name, round) => samples[name][round].microsPerRequest / samples.baseline[round].microsPerRequest;
  for (let round = 0; round < Number(options.rounds); round += 1) {
    const cells = targets.map((target) => `${samples[target.name][round].microsPerRequest.toFixed(1)}${target.name === 'baseline' ? '' : ` (${ratioInRound(target.name, round).toFixed(2)}×)`}`);
    console.log(`| ${round + 1} | ${cells.join(' | ')} |`);
  }
  const medianRatio = (name) => median(samples[name].map((_, round) => ratioInRound(name, round)));
  console.log('| median of the ratios | – | ' + targets.filter((target) => target.name !== 'baseline').map((target) => `${medianRatio(target.name).toFixed(2)}×`).join(' | ') + ' |');
  if (options.alloc) {
    // Counted when a collection runs, so a round's figure is off by up to one collection's worth.
    console.log('\n| KB allocated per request (median) | ' + targets.map((target) => target.name).join(' | ') + ' |');
    console.log('|---|' + targets.map(() => '--:|').join(''));
    console.log('| all isolates | ' + targets.map((target) => (median(allocations[target.name]) / 1024).toFixed(1)).join(' | ') + ' |');
  }
  if (options.syscalls) {
    console.log('\n| system calls per request (median) | ' + targets.map((target) => target.name).join(' | ') + ' |');
    console.log('|---|' + targets.map(() => '--:|').join(''));
    for (const kind of ['reads', 'writes']) console.log(`| ${kind} | ${targets.map((target) => median(syscalls[target.name][kind]).toFixed(2)).join(' | ')} |`);
  }
  if (options.threads) {
    console.log('\n| CPU µs per request, by thread (median) | ' + targets.map((target) => target.name).join(' | ') + ' |');
    console.log('|---|' + targets.map(() => '--:|').join(''));
    const kinds = [...new Set(targets.flatMap((target) => Object.keys(byThread[target.name])))];
    for (const kind of kinds) {
      const cells = targets.map((target) => (byThread[target.name][kind] ? median(byThread[target.name][kind]).toFixed(1) : '–'));
      console.log(`| ${kind} | ${cells.join(' | ')} |`);
    }
  }
} finally {
  const exited = children.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve))));
  for (const child of children) child.kill('SIGTERM');
  // A profile is written as its process exits.
  await Promise.race([Promise.all(exited), sleep(10_000)]);
}

if (options['cpu-prof'] && targets.every((target) => target.requests > 0)) {
  const profiled = targets.filter((target) => target.name !== 'before');
  const columns = profiled.map((target) => {
    // Named CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile; thread 0 is the main thread. The
    // newest, should an earlier run's process have had the same ID.
    const file = readdirSync(join(root, '.bench'))
      .filter((name) => name.startsWith('CPU.') && name.includes(`.${target.pid}.0.`) && name.endsWith('.cpuprofile'))
      .sort()
      .at(-1);
    if (file === undefined) return undefined;
    const tree = frameTree(JSON.parse(readFileSync(join(root, '.bench', file), 'utf8')), { from: measuredFrom });
    const svg = join(root, '.bench', `flame-${target.name}.svg`);
    writeFileSync(svg, flameGraphSvg(tree, `${target.name}: main thread, ${options.rounds} rounds at ${connections > 0 ? `${connections} connections` : `${rate} req/s`}${options.stream ? ', streaming' : ''} (${basename(options.config)})`));
    console.log(`flame graph of ${target.name}: ${svg}`);
    return { name: target.name, tree, requests: target.requests };
  });
  if (columns.every((column) => column !== undefined)) console.log(`\n${areasTable(columns)}`);
}
