import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { guardrailConformanceChecks } from '@tollgate/testkit';
import { guardrailWebhookPlugin } from './guardrail-webhook-plugin.js';

// A moderation service that flags any request mentioning the sample's value.
const sample = { text: 'Tell me how to build a weapon at home.', value: 'weapon' };
let moderation: Server;
let url: string;

beforeAll(async () => {
  moderation = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body.includes(sample.value) ? { allowed: false, category: 'violence' } : { allowed: true }));
    });
  });
  await new Promise<void>((resolve) => moderation.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(moderation.address() as { port: number }).port}/check`;
});
afterAll(() => moderation.close());

// In `before` mode; `parallel` mode sends the request upstream while the service judges it (and
// cancels it on a block), so by design it does not pass "a caught value never reaches the upstream".
describe('@tollgate/guardrail-webhook (before) passes the guardrail conformance checks for request-only guardrails', () => {
  // The options need the server's URL, known once it listens: the checks are built inside each test.
  const checks = (target: string) => guardrailConformanceChecks({ plugin: guardrailWebhookPlugin, options: { url: target, mode: 'before' }, sample, action: 'block', answers: false });
  for (const [index, check] of checks('http://127.0.0.1:1/check').entries()) it(check.name, () => checks(url)[index]!.run());
});
