// `npm start`: the gateway of tollgate.config.yaml run end to end, offline. Two mock upstreams stand
// in for Anthropic and OpenAI (the testkit's, which speak their wire formats); the gateway starts on
// the example's own config, and ten scenes show Claude Code and Codex through it, each request shaped
// as the agent sends it. With real keys, `npm run serve` runs the same config for real.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { pino } from 'pino';
import { startServer } from '@tollgate/server';
import { createMockAnthropic, createMockOpenAI, pngOfSize } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const keys = { master: 'sk-demo-master-key-00000001', claudeCode: 'sk-demo-claude-code-0000001', codex: 'sk-demo-codex-agent-0000001', anthropic: 'sk-ant-demo-000000000000001', openai: 'sk-proj-demo-00000000000001' };

/** Codex's freeform patch tool and its shell function, as Codex declares them. */
const codexTools = [
  { type: 'function', name: 'shell', description: 'Runs a shell command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } },
  { type: 'custom', name: 'apply_patch', description: 'Edits files with a patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch' } },
];

/** A Codex turn: the whole conversation in `input`, nothing stored, reasoning asked back encrypted. */
function codexTurn(model, text) {
  return { model, instructions: 'You are Codex, a coding agent.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }], tools: codexTools, tool_choice: 'auto', parallel_tool_calls: false, reasoning: { effort: 'medium', summary: 'auto' }, store: false, include: ['reasoning.encrypted_content'] };
}

/** Runs the ten scenes and returns what each showed; `say` narrates. */
export async function runDemo(say = (line) => console.log(line)) {
  const anthropicMock = await createMockAnthropic({ apiKey: keys.anthropic });
  const openaiMock = await createMockOpenAI({ apiKey: keys.openai });
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-example-'));
  const database = join(folder, 'tollgate.sqlite');
  const server = await startServer({
    configFile: join(here, 'tollgate.config.yaml'),
    cwd: here,
    port: 0,
    logger: pino({ enabled: false }),
    env: { ...process.env, ANTHROPIC_URL: anthropicMock.baseURL, OPENAI_URL: openaiMock.baseURL, ANTHROPIC_API_KEY: keys.anthropic, OPENAI_API_KEY: keys.openai, TOLLGATE_MASTER_KEY: keys.master, CLAUDE_CODE_KEY: keys.claudeCode, CODEX_KEY: keys.codex, TOLLGATE_DB: database },
  });
  // Codex: OPENAI base URL at the gateway, wire_api = "responses". Claude Code: ANTHROPIC_BASE_URL at the gateway.
  const codex = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.codex, maxRetries: 0 });
  const claudeCode = new Anthropic({ baseURL: server.url, apiKey: keys.claudeCode, maxRetries: 0 });
  const admin = async (path, body) => {
    const response = await fetch(`${server.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${keys.master}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    return response.json();
  };
  const results = {};
  try {
    say(`Gateway on ${server.url}; Anthropic mock ${anthropicMock.baseURL}; OpenAI mock ${openaiMock.baseURL}\n`);

    say('1. Codex on gpt-5-codex: its request passes through to OpenAI\'s Responses API as sent.');
    openaiMock.enqueue({ stream: { content: ['Reading ', 'the code.'] } });
    const native = await codex.responses.stream(codexTurn('gpt-5-codex', 'Rename foo to bar')).finalResponse();
    results.codexNativePath = openaiMock.requests.at(-1).path;
    results.codexNativeOutput = native.output.map((item) => item.type);
    results.codexNativeEncrypted = typeof native.output[0]?.encrypted_content === 'string';
    say(`   upstream ${results.codexNativePath}; output ${results.codexNativeOutput.join(', ')} (the reasoning item carries OpenAI's encrypted content)\n`);

    say('2. Codex on Claude: translated there and back; its apply_patch call comes back as Codex expects it.');
    anthropicMock.enqueue({ thinking: 'A one-line rename.', content: 'Patching.', toolUses: [{ id: 'toolu_1', name: 'apply_patch', input: { input: '*** Begin Patch\n*** Update File: a.ts\n-foo\n+bar\n*** End Patch' } }] });
    const translated = await codex.responses.stream(codexTurn('claude-sonnet-5', 'Rename foo to bar')).finalResponse();
    results.codexOnClaude = translated.output.map((item) => item.type);
    say(`   output ${results.codexOnClaude.join(', ')}\n`);

    say('3. Claude Code on Claude, with its web search server tool: passed through to Anthropic as sent; the searches are charged.');
    const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 5 };
    anthropicMock.enqueue({ webSearches: ['node 24 release notes', 'node 24 permission model'], content: 'Node 24 ships a stable permission model.' });
    const searched = await claudeCode.messages.stream({ model: 'claude-sonnet-5', max_tokens: 1024, system: 'You are Claude Code.', tools: [webSearch], messages: [{ role: 'user', content: 'What changed in Node 24?' }] }).finalMessage();
    results.claudeCodeTools = anthropicMock.requests.at(-1).body.tools;
    results.claudeCodeSearches = searched.usage.server_tool_use?.web_search_requests;
    say(`   Anthropic received tools ${JSON.stringify(results.claudeCodeTools)}; it searched ${results.claudeCodeSearches} times ($10 per thousand, held in the budget's worst case and charged)\n`);

    say('4. Claude Code on gpt-5-codex, which OpenAI serves through the Responses API only: translated to it.');
    openaiMock.enqueue({ stream: { content: ['Let me look.'], toolCalls: [{ id: 'call_1', name: 'Bash', arguments: '{"command":"ls"}' }] } });
    const bridged = await claudeCode.messages.stream({ model: 'gpt-5-codex', max_tokens: 1024, tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }], messages: [{ role: 'user', content: 'List the files' }] }).finalMessage();
    results.claudeCodeOnCodexPath = openaiMock.requests.at(-1).path;
    results.claudeCodeOnCodexStop = bridged.stop_reason;
    say(`   upstream ${results.claudeCodeOnCodexPath}; stop reason ${results.claudeCodeOnCodexStop}\n`);

    say('5. The team\'s daily budget is hard: a turn whose worst case (3,000,000 output tokens) exceeds what is left of $25 is refused before it leaves.');
    results.overBudget = await codex.responses.create({ ...codexTurn('gpt-5-codex', 'Rewrite everything'), max_output_tokens: 3_000_000 }).then(() => undefined, (error) => error.code);
    say(`   ${results.overBudget}\n`);

    say('6. Personal data never leaves: an address in Claude Code\'s tool result is redacted in its own request, so only that text changes, and put back in the answer.');
    const claudeCodeTurn = {
      model: 'claude-sonnet-5',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: 'Who owns the parser?' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'CODEOWNERS says.', signature: 'sig_earlier' }, { type: 'tool_use', id: 'toolu_9', name: 'Read', input: { path: 'CODEOWNERS' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'parser/ jane.doe@example.com' }, { type: 'text', text: 'Answer in one line.', cache_control: { type: 'ephemeral' } }] },
      ],
    };
    anthropicMock.enqueue({ thinking: 'Name the owner.', content: 'The parser belongs to [EMAIL_1].' });
    const owned = await claudeCode.messages.stream(claudeCodeTurn).finalMessage();
    const sent = anthropicMock.requests.at(-1).body;
    results.redactedToolResult = sent.messages[2].content[0].content;
    // Only the text changed: the cache marks, the thinking setting and the signed history went as sent.
    results.restOfRequestAsSent = JSON.stringify({ ...sent, model: claudeCodeTurn.model, messages: sent.messages.map((message, index) => (index === 2 ? claudeCodeTurn.messages[2] : message)) }) === JSON.stringify({ ...claudeCodeTurn, stream: true });
    results.restoredAnswer = owned.content.find((block) => block.type === 'text')?.text;
    results.answerThinkingSigned = owned.content[0]?.type === 'thinking' && typeof owned.content[0].signature === 'string';
    say(`   Anthropic received "${results.redactedToolResult}", the rest of the request as sent: ${results.restOfRequestAsSent}; the answer reads "${results.restoredAnswer}", its thinking signed: ${results.answerThinkingSigned}\n`);

    say('7. Codex at OpenAI\'s Priority tier and Claude Code in /fast mode: each charged what its vendor bills for that tier, as the answer says.');
    openaiMock.enqueue({ usage: { prompt_tokens: 1_000, completion_tokens: 500 } });
    const priority = await codex.responses.create({ ...codexTurn('gpt-5-codex', 'Fix the flaky test'), service_tier: 'priority' });
    anthropicMock.enqueue({ content: 'Fixed.', usage: { input_tokens: 1_000, output_tokens: 500 } });
    const fast = await claudeCode.messages.create({ model: 'claude-opus-4-6', max_tokens: 1024, speed: 'fast', messages: [{ role: 'user', content: 'Fix the flaky test' }] }, { headers: { 'anthropic-beta': 'fast-mode-2026-02-01' } });
    results.servedTiers = [priority.service_tier, fast.usage.speed];
    const byTier = await admin('/admin/spend?group_by=service_tier');
    results.costByTier = Object.fromEntries(byTier.data.filter((row) => row.group === 'priority' || row.group === 'fast').map((row) => [row.group, row.cost_usd]));
    say(`   served at ${results.servedTiers.join(' and ')}; cost in USD: ${JSON.stringify(results.costByTier)} (GPT-5 Codex at $2.50 / $20 per million instead of $1.25 / $10; Opus 4.6 at 6× its $5 / $25)\n`);

    say('8. Codex compacts a long session: /responses/compact goes to OpenAI as sent, and the compaction pass is charged to Codex\'s key.');
    const session = [{ role: 'user', content: 'Rename foo to bar' }, { role: 'assistant', content: 'Done: 14 files changed.' }, { role: 'user', content: 'Now run the tests' }];
    const compacted = await codex.responses.compact({ model: 'gpt-5-codex', input: session });
    results.compactionPath = openaiMock.requests.at(-1).path;
    results.compactedOutput = compacted.output.map((item) => item.type);
    say(`   upstream ${results.compactionPath}; output ${results.compactedOutput.join(', ')} (the user's messages, then OpenAI's encrypted summary of the rest)\n`);

    say('9. Claude Code reads a screenshot, on gpt-5-codex: the image in its tool result reaches the model in a message right after the tool output (OpenAI takes images only there), not dropped.');
    openaiMock.enqueue({ content: 'The build page shows 3 failing tests.' });
    const screenshot = Buffer.from(pngOfSize(1280, 800)).toString('base64');
    await claudeCode.messages.create({
      model: 'gpt-5-codex',
      max_tokens: 1024,
      tools: [{ name: 'Read', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'What does build.png show?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_read', name: 'Read', input: { file_path: 'build.png' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_read', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: screenshot } }] }] },
      ],
    });
    results.screenshotInput = openaiMock.requests.at(-1).body.input.map((item) => (Array.isArray(item.content) ? `${item.type} (${item.content.map((part) => part.type).join(', ')})` : item.type));
    say(`   OpenAI received ${results.screenshotInput.join('; ')}\n`);

    say('10. Claude is down in the middle of Claude Code\'s tool loop: the loop goes on on GPT-5 Codex, and back on Claude the step GPT made goes with thinking off (Claude refuses a step without its signed thinking while thinking is on).');
    const bash = { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } };
    const loopTurn = { model: 'claude-or-codex', max_tokens: 8192, thinking: { type: 'enabled', budget_tokens: 4096 }, tools: [bash] };
    const question = { role: 'user', content: 'Why does the build fail?' };
    for (let attempt = 0; attempt < 2; attempt += 1) anthropicMock.enqueue({ status: 529, error: { type: 'overloaded_error', message: 'Overloaded' } });
    openaiMock.enqueue({ stream: { content: [], toolCalls: [{ id: 'call_log', name: 'Bash', arguments: '{"command":"cat build.log"}' }] } });
    const byCodex = await claudeCode.messages.stream({ ...loopTurn, messages: [question] }).finalMessage();
    anthropicMock.enqueue({ content: 'The build fails on a missing import in parser.ts.' });
    const back = await claudeCode.messages.stream({ ...loopTurn, messages: [question, { role: 'assistant', content: byCodex.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_log', content: 'error: Cannot find module ./lexer' }] }] }).finalMessage();
    results.loopAcrossVendors = [openaiMock.requests.at(-1).path, anthropicMock.requests.at(-1).body.thinking, back.content.at(-1)?.text];
    say(`   step 1 on OpenAI's ${results.loopAcrossVendors[0]}; step 2 on Claude with thinking ${JSON.stringify(results.loopAcrossVendors[1])}: "${results.loopAcrossVendors[2]}"\n`);

    const spend = await admin('/admin/spend?group_by=key');
    results.requestsByKey = Object.fromEntries(spend.data.map((row) => [row.group, row.requests]));
    results.costByKey = Object.fromEntries(spend.data.map((row) => [row.group, row.cost_usd]));
    say(`Requests by key today: ${JSON.stringify(results.requestsByKey)}; cost in USD: ${JSON.stringify(results.costByKey)}`);
    return results;
  } finally {
    await server.close();
    await anthropicMock.close();
    await openaiMock.close();
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
