// `pnpm soak [-- --minutes 10 --rate 500 --warmup-seconds 60 --warmup-rate 500
// --node-flag=--max-semi-space-size=8 --config bench/tollgate.soak.yaml --target tollgate]`: the memory
// soak. Starts the shared harness's mock upstream and Tollgate on its production path
// (bench/tollgate.soak.yaml, or --config: key auth, one target, the SQLite ledger, request logs), or
// with `--target baseline` the harness's bare proxy (the floor: what V8 does to any Node proxy under
// this load), warms it up with `warmup-rate` requests per second (the soak's rate unless given) for
// `warmup-seconds`, then sends `rate` requests per second open-loop for `minutes`, samples the
// gateway's RSS every 10 s, and
// reports the soak's samples against its first one: flat means within ±10 %. The gateway runs with
// --trace-gc, so the live heap after each full GC of the soak (every isolate: the main thread's and the
// ledger's writer thread's) is sampled too: it tells a leak (live heap grows) from V8 keeping more heap
// committed (RSS steps, live heap flat).
// Prints a markdown table and writes bench/results/soak-<time>.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareHarness } from './prepare-harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const harness = prepareHarness(root);
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    'warmup-seconds': { type: 'string', default: '60' },
    'warmup-rate': { type: 'string' },
    'node-flag': { type: 'string', multiple: true, default: [] },
    config: { type: 'string', default: 'bench/tollgate.soak.yaml' },
    target: { type: 'string', default: 'tollgate' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const warmupSeconds = Number(values['warmup-seconds']);
const warmupRate = Number(values['warmup-rate'] ?? values.rate);
if (values.target !== 'tollgate' && values.target !== 'baseline') {
  console.error(`soak: --target is tollgate or baseline, not "${values.target}".`);
  process.exit(1);
}
const { Pool } = createRequire(join(harness, 'package.json'))('undici');

function start(command, args, env, ready) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data) => (output = (output + data).slice(-4_000)));
  child.stderr.on('data', (data) => (output = (output + data).slice(-4_000)));
  return new Promise((resolveStart, reject) => {
    const timer = setInterval(() => {
      if (ready(output)) {
        clearInterval(timer);
        resolveStart(child);
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`${args.join(' ')} exited ${code}: ${output}`));
    });
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

const mockPort = 18190;
const gatewayPort = 4190;
rmSync(join(root, '.bench', 'soak.sqlite'), { force: true });
rmSync(join(root, '.bench', 'soak.sqlite-wal'), { force: true });
const mock = await start(process.execPath, [join(harness, 'mock-upstream.mjs'), '--port', String(mockPort)], {}, (out) => /listen|:18190/i.test(out));
const mockUrl = `http://127.0.0.1:${mockPort}/v1`;
/** The soaked process's script and arguments, and what it prints once it listens. */
const soaked =
  values.target === 'baseline'
    ? { name: 'the bare proxy', args: [join(harness, 'baseline-proxy.mjs'), '--upstream', mockUrl], ready: 'baseline proxy on' }
    : { name: `Tollgate (${values.config})`, args: [join(root, 'packages/server/dist/cli.js'), 'start', '--config', values.config], ready: 'listening on' };
const gateway = await start(process.execPath, ['--trace-gc', ...values['node-flag'], ...soaked.args, '--port', String(gatewayPort)], { MOCK_UPSTREAM_URL: mockUrl }, (out) => out.includes(soaked.ready));
/** Live MB after the latest full GC, per isolate (`[pid:0x…]` in --trace-gc lines). */
const liveAfterFullGc = new Map();
const fullGc = /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(/;
let partialLine = '';
gateway.stdout.setEncoding('utf8');
gateway.stdout.on('data', (data) => {
  const lines = (partialLine + data).split('\n');
  partialLine = lines.pop();
  for (const line of lines) {
    const match = fullGc.exec(line);
    if (match !== null) liveAfterFullGc.set(match[1], Number(match[2]));
  }
});
const liveHeapMb = () => (liveAfterFullGc.size === 0 ? undefined : [...liveAfterFullGc.values()].reduce((sum, value) => sum + value, 0));
const pool = new Pool(`http://127.0.0.1:${gatewayPort}`, { connections: 64, pipelining: 1 });
const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Write one sentence about foxes.' }], max_tokens: 64 });
const headers = { authorization: 'Bearer sk-bench-master-key-000001', 'content-type': 'application/json' };

let sent = 0;
let ok = 0;
let failed = 0;
const samples = [];
const startedAt = Date.now();
const soakStartsAt = startedAt + warmupSeconds * 1000;
const endAt = soakStartsAt + minutes * 60_000;
// `second` counts from the soak's start: warm-up samples are negative.
const sampler = setInterval(() => samples.push({ second: Math.round((Date.now() - soakStartsAt) / 1000), rssMb: rssMb(gateway.pid), liveHeapMb: liveHeapMb() }), 10_000);
const inFlight = new Set();

/** Sends `perSecond` requests a second, open loop, until `until` (epoch ms). */
async function drive(perSecond, until) {
  const interval = 1000 / perSecond;
  let next = performance.now();
  while (Date.now() < until) {
    next += interval;
    const wait = next - performance.now();
    if (wait > 1) await sleep(wait);
    sent += 1;
    const request = pool
      .request({ path: '/v1/chat/completions', method: 'POST', headers, body })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode === 200) ok += 1;
        else failed += 1;
      }, () => (failed += 1))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
}
await drive(warmupRate, soakStartsAt);
// The live heap is compared from the soak's first full GC on, not a start-up one before any traffic.
liveAfterFullGc.clear();
const firstSoakSample = samples.length;
await drive(rate, endAt);
await Promise.allSettled([...inFlight]);
clearInterval(sampler);
await pool.close();
gateway.kill('SIGTERM');
mock.kill('SIGTERM');

/** The largest deviation of RSS from the first sample at or after `second`, as a fraction. */
function rssDeviationAfter(second) {
  const warm = samples.filter((sample) => sample.second >= second);
  if (warm.length === 0) return undefined;
  return Math.max(...warm.map((sample) => Math.abs(sample.rssMb - warm[0].rssMb) / warm[0].rssMb));
}
const percent = (fraction) => (fraction === undefined ? undefined : Math.round(fraction * 1000) / 10);
const afterWarmUp = samples.filter((sample) => sample.second >= 0);
const warm = afterWarmUp.length > 0 ? afterWarmUp : samples; // a run shorter than a sampling interval compares every sample
const baseline = warm[0].rssMb;
const last = warm.at(-1).rssMb;
const maxDeviation = rssDeviationAfter(warm[0].second);
const deviationAfterThree = rssDeviationAfter(180);
const live = samples.slice(firstSoakSample).filter((sample) => sample.liveHeapMb !== undefined).map((sample) => sample.liveHeapMb);
const liveDeviation = live.length === 0 ? undefined : Math.max(...live.map((value) => Math.abs(value - live[0]) / live[0]));
const result = {
  target: values.target, minutes, rate, warmupSeconds, warmupRate, nodeFlags: values['node-flag'], sent, ok, failed,
  baselineRssMb: baseline, lastRssMb: last, maxDeviationPercent: percent(maxDeviation),
  // V8 sizes its heaps over the first full GCs: the same figure from 3 minutes into the soak.
  maxDeviationAfterThreeMinutesPercent: percent(deviationAfterThree),
  baselineLiveHeapMb: live[0], lastLiveHeapMb: live.at(-1), maxLiveHeapDeviationPercent: percent(liveDeviation),
  samples,
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const file = join(root, 'bench', 'results', `soak-${new Date().toISOString().replaceAll(':', '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n### Soak of ${soaked.name}: ${minutes} min at ${rate} req/s after ${warmupSeconds} s of warm-up at ${warmupRate} req/s\n`);
const mb = (value) => (value === undefined ? '–' : `${value.toFixed(1)} MB`);
console.log('| sent | ok | failed | RSS after warm-up | RSS at the end | largest deviation | live heap after full GC, after warm-up → end | largest deviation |');
console.log('|--:|--:|--:|--:|--:|--:|--:|--:|');
console.log(`| ${sent.toLocaleString('en')} | ${ok.toLocaleString('en')} | ${failed} | ${mb(baseline)} | ${mb(last)} | ${result.maxDeviationPercent} % | ${mb(live[0])} → ${mb(live.at(-1))} | ${result.maxLiveHeapDeviationPercent ?? '–'} % |`);
const afterThree = result.maxDeviationAfterThreeMinutesPercent;
console.log(`\nRSS ${maxDeviation <= 0.1 ? 'flat: within ±10 %.' : 'NOT flat: more than ±10 %.'}${afterThree === undefined ? '' : ` After 3 minutes (V8's heaps sized): largest deviation ${afterThree} %, ${deviationAfterThree <= 0.1 ? 'flat' : 'NOT flat'}.`} Live heap after full GC ${liveDeviation === undefined ? 'not sampled (no full GC after warm-up)' : liveDeviation <= 0.1 ? 'flat: within ±10 % (no growth per request).' : 'NOT flat: more than ±10 %.'} Results: ${file}`);
