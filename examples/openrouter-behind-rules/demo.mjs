// `npm start`: the composition of tollgate.config.yaml run end to end, offline. Two mock upstreams
// stand in for your vLLM server and for OpenRouter (the testkit's, which speak their wire formats);
// the gateway starts on the example's own config, and six scenes show what the rules do.
// With a real vLLM server and an OpenRouter key, `npm run serve` runs the same config for real.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { pino } from 'pino';
import { startServer } from '@tollgate/server';
import { createMockOpenAI } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const keys = { master: 'sk-demo-master-key-00000001', research: 'sk-demo-research-agent-0001', support: 'sk-demo-support-bot-00000001', openrouter: 'sk-or-v1-demo-0000000000000' };

/** Runs the six scenes and returns what each showed; `say` narrates. */
export async function runDemo(say = (line) => console.log(line)) {
  const vllm = await createMockOpenAI();
  const openrouter = await createMockOpenAI({ flavor: 'openrouter', apiKey: keys.openrouter });
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-example-'));
  const database = join(folder, 'tollgate.sqlite');
  const server = await startServer({
    configFile: join(here, 'tollgate.config.yaml'),
    cwd: here,
    port: 0,
    logger: pino({ enabled: false }),
    env: { ...process.env, VLLM_URL: vllm.baseURL, OPENROUTER_URL: openrouter.baseURL, OPENROUTER_API_KEY: keys.openrouter, TOLLGATE_MASTER_KEY: keys.master, RESEARCH_KEY: keys.research, SUPPORT_KEY: keys.support, TOLLGATE_DB: database },
  });
  const client = (key) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
  const admin = async (path, body) => {
    const response = await fetch(`${server.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${keys.master}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return response.json();
  };
  const results = {};
  try {
    say(`Gateway on ${server.url}; vLLM mock ${vllm.baseURL}; OpenRouter mock ${openrouter.baseURL}\n`);

    say('1. The research agent asks llama-70b: your own server answers.');
    const first = await client(keys.research).chat.completions.create({ model: 'llama-70b', max_tokens: 50, messages: [{ role: 'user', content: 'Summarise our Q3 notes.' }] }).withResponse();
    results.firstProvider = first.response.headers.get('x-tollgate-provider');
    say(`   answered by ${results.firstProvider}\n`);

    say('2. The vLLM server is overloaded (503): OpenRouter answers the same request, and reports its cost.');
    vllm.enqueue({ status: 503, error: { message: 'The server is overloaded', type: 'server_error' } });
    const second = await client(keys.research).chat.completions.create({ model: 'llama-70b', max_tokens: 50, messages: [{ role: 'user', content: 'Summarise our Q4 notes.' }] }).withResponse();
    results.fallbackProvider = second.response.headers.get('x-tollgate-provider');
    results.fallbackAttempts = Number(second.response.headers.get('x-tollgate-attempts'));
    say(`   answered by ${results.fallbackProvider} after ${results.fallbackAttempts} attempts\n`);

    say('3. A message with an e-mail address: the upstream sees a placeholder, never the address.');
    await client(keys.research).chat.completions.create({ model: 'llama-70b', max_tokens: 50, messages: [{ role: 'user', content: 'Reply to jane.doe@example.com about the invoice.' }] });
    results.upstreamSaw = vllm.requests.at(-1).body.messages[0].content;
    say(`   the vLLM server received: "${results.upstreamSaw}"\n`);

    say('4. The support bot may not call OpenRouter\'s catalog, and its team\'s budget is hard.');
    results.notAllowed = await client(keys.support).chat.completions.create({ model: 'openrouter/openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (error) => error.code);
    await admin('/admin/budgets', { scope: 'team', id: 'support', limit_usd: 0.00001, period: 'daily' });
    results.overBudget = await client(keys.support).chat.completions.create({ model: 'llama-70b', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (error) => error.code);
    say(`   openrouter/openai/gpt-4o: ${results.notAllowed}; llama-70b with $0.00001 left: ${results.overBudget}\n`);

    say('5. An agent written for OpenRouter names its own fallbacks (`models`): llama-70b is down on both targets, OpenRouter\'s gpt-4o answers.');
    vllm.enqueue({ status: 503, error: { message: 'The server is overloaded', type: 'server_error' } });
    openrouter.enqueue({ status: 503, error: { message: 'No endpoints available', type: 'server_error' } });
    const fifth = await client(keys.research).chat.completions.create({ models: ['llama-70b', 'openrouter/openai/gpt-4o'], max_tokens: 50, messages: [{ role: 'user', content: 'Draft the release notes.' }] }).withResponse();
    results.clientFallbackModel = fifth.data.model;
    results.clientFallbackAttempts = Number(fifth.response.headers.get('x-tollgate-attempts'));
    results.upstreamsSawModels = [...vllm.requests, ...openrouter.requests].some((request) => request.body && 'models' in request.body);
    say(`   answered by ${results.clientFallbackModel} after ${results.clientFallbackAttempts} attempts; an upstream saw the \`models\` field: ${results.upstreamsSawModels}\n`);

    say('6. Claude Code (the Messages API) on OpenRouter\'s Claude: the prompt caching marks it placed reach OpenRouter, so Claude\'s cache keeps working.');
    const mark = { type: 'ephemeral' };
    const sixth = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': keys.research, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openrouter/anthropic/claude-sonnet-4.5',
        max_tokens: 50,
        system: [{ type: 'text', text: 'You are Claude Code. CLAUDE.md: …', cache_control: mark }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Where is the router?', cache_control: mark }] }],
      }),
    });
    results.claudeCodeStatus = sixth.status;
    results.marksAtOpenRouter = JSON.stringify(openrouter.requests.at(-1).body).match(/cache_control/g)?.length ?? 0;
    say(`   ${sixth.status}; cache marks in OpenRouter's request: ${results.marksAtOpenRouter}\n`);

    await new Promise((resolve) => setTimeout(resolve, 300)); // the ledger writes in batches
    const spend = await admin('/admin/spend?group_by=provider&team_id=research');
    results.spendByProvider = Object.fromEntries(spend.data.map((row) => [row.group, row.cost_usd]));
    say(`Research spend by provider this month: ${JSON.stringify(results.spendByProvider)}`);
    return results;
  } finally {
    await server.close();
    await vllm.close();
    await openrouter.close();
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
