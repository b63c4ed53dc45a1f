// The PII guardrail's added latency on a 4 KB and a 64 KB prompt: the request-side work it does per
// request (find every category, redact), timed in process over many runs. Part of `pnpm bench`;
// run alone with `node scripts/bench-guardrails.mjs` after `pnpm build`.
import { performance } from 'node:perf_hooks';
import { applyGuard } from '@tollgate/guardrail-kit';
import { findPii, piiCategories } from '@tollgate/guardrail-pii';

const categories = new Set(piiCategories);
const paragraph =
  'Customer Jane Doe wrote from jane.doe@example.com about invoice 2026-118; she can be reached on +1 415 555 2671. ' +
  'The ticket mentions host 10.0.0.12 and an order shipped on 2026-11-30 with tracking code 1Z999AA10123456784. ' +
  'Please summarise the conversation politely, keep the tone friendly, and list the next steps for the support team. ';

function promptOf(bytes) {
  let text = '';
  while (Buffer.byteLength(text) < bytes) text += paragraph;
  return text.slice(0, bytes);
}

function measure(text, runs) {
  const guard = { find: (value) => findPii(value, categories, 'US'), maxMatchLength: 256 };
  const times = [];
  for (let run = 0; run < runs + 50; run += 1) {
    const started = performance.now();
    applyGuard(text, guard, () => 'redact', (match) => `[${match.category.toUpperCase()}]`);
    if (run >= 50) times.push(performance.now() - started); // the first 50 warm the JIT up
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
  return { p50: at(50), p99: at(99) };
}

const rows = [
  ['4 KB', measure(promptOf(4 * 1024), 2_000)],
  ['64 KB', measure(promptOf(64 * 1024), 200)],
];
console.log('\n### PII guardrail, request side (find + redact), in process\n');
console.log('| prompt | p50 ms | p99 ms |');
console.log('|---|--:|--:|');
for (const [name, { p50, p99 }] of rows) console.log(`| ${name} | ${p50.toFixed(3)} | ${p99.toFixed(3)} |`);
