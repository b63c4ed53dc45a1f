// `npm start`: the composition of tollgate.config.yaml run end to end, offline. The testkit's Vertex AI
// mock stands in for Google Cloud — Claude, Gemini and the OpenAI-compatible endpoint, Google's token
// endpoint checking the service account's signed JWTs — and a service account key is made up for it;
// the gateway starts on the example's own config, and four scenes show what it does.
// With a real project and key, `npm run serve` runs the same config against Vertex AI.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { pino } from 'pino';
import { startServer } from '@tollgate/server';
import { createMockVertex } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const keys = { master: 'sk-demo-master-key-00000001', agent: 'sk-demo-coding-agent-000001' };
const project = 'acme-ai';
const clientEmail = 'tollgate@acme-ai.iam.gserviceaccount.com';

/** Runs the four scenes and returns what each showed; `say` narrates. */
export async function runDemo(say = (line) => console.log(line)) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const vertex = await createMockVertex({ project, location: 'us-east5', serviceAccount: { clientEmail, publicKey } });
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-example-'));
  // A key file as the Cloud console downloads it, its token_uri the mock's.
  const keyFile = join(folder, 'vertex-key.json');
  await writeFile(keyFile, JSON.stringify({ type: 'service_account', project_id: project, private_key_id: 'demo', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), client_email: clientEmail, token_uri: vertex.tokenURL }));
  const server = await startServer({
    configFile: join(here, 'tollgate.config.yaml'),
    cwd: here,
    port: 0,
    logger: pino({ enabled: false }),
    env: { ...process.env, VERTEX_URL: vertex.baseURL, VERTEX_PROJECT: project, VERTEX_KEY_FILE: keyFile, TOLLGATE_MASTER_KEY: keys.master, AGENT_KEY: keys.agent, TOLLGATE_DB: join(folder, 'tollgate.sqlite') },
  });
  const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.agent, maxRetries: 0 });
  const claudeCode = new Anthropic({ baseURL: server.url, apiKey: keys.agent, maxRetries: 0 });
  const results = {};
  const lastCall = () => vertex.requests.filter((request) => request.path.startsWith('/v1/')).at(-1);
  try {
    say(`Gateway on ${server.url}; Vertex AI mock ${vertex.baseURL}\n`);

    say("1. Claude Code's turn on sonnet: it reaches Claude on Vertex AI as sent, but for what Vertex wants.");
    const turn = { model: 'sonnet', max_tokens: 1024, system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'Why does the build fail?' }] };
    const message = await claudeCode.messages.create(turn);
    const claudeCall = lastCall();
    results.claudePath = claudeCall.path;
    results.claudeBodyHasModel = 'model' in claudeCall.body;
    results.anthropicVersion = claudeCall.body.anthropic_version;
    results.cacheMarkKept = claudeCall.body.system[0].cache_control?.type === 'ephemeral';
    results.claudeMessageId = message.id;
    say(`   upstream ${results.claudePath}`);
    say(`   body: no model (the path names it), anthropic_version ${results.anthropicVersion}, cache mark kept: ${results.cacheMarkKept}; answer ${message.id}\n`);

    say('2. The same agent on Gemini and on Llama, through the OpenAI SDK.');
    const gemini = await openai.chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'Summarise the log.' }] }).withResponse();
    results.geminiPath = lastCall().path;
    const llama = await openai.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'Summarise the log.' }] }).withResponse();
    results.llamaPath = lastCall().path;
    results.answeredBy = [gemini.response.headers.get('x-tollgate-provider'), llama.response.headers.get('x-tollgate-provider')];
    say(`   gemini-flash → ${results.geminiPath}`);
    say(`   llama → ${results.llamaPath}\n`);

    say("3. Claude's quota on Vertex AI runs out (429 RESOURCE_EXHAUSTED): `smart` falls over to Gemini.");
    const quota = { status: 429, body: { error: { code: 429, message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: anthropic-claude-sonnet-4-5.', status: 'RESOURCE_EXHAUSTED' } } };
    vertex.enqueue(quota, quota, { content: 'Gemini took over.' });
    const smart = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'Plan the fix.' }] }).withResponse();
    results.smartProvider = smart.response.headers.get('x-tollgate-provider');
    results.smartAttempts = Number(smart.response.headers.get('x-tollgate-attempts'));
    say(`   answered by ${results.smartProvider} after ${results.smartAttempts} attempts: "${smart.data.choices[0].message.content}"\n`);

    say('4. One Google access token per provider for all of this, and what each provider cost.');
    results.tokensIssued = vertex.tokensIssued;
    // The ledger writes in batches: ask until every provider's rows are in (two seconds at most).
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const spend = await fetch(`${server.url}/admin/spend?group_by=provider`, { headers: { authorization: `Bearer ${keys.master}` } }).then((response) => response.json());
      results.spendByProvider = Object.fromEntries(spend.data.map((row) => [row.group, row.cost_usd]));
      if (Object.keys(results.spendByProvider).length === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    say(`   ${results.tokensIssued} tokens issued to ${clientEmail} for three providers; cost in USD: ${JSON.stringify(results.spendByProvider)}`);
    return results;
  } finally {
    await server.close();
    await vertex.close();
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
