// `npm start`: the composition of tollgate.config.yaml run end to end, offline. The testkit's mocks
// stand in for OpenAI's Images API and the Gemini API (as they serve images: tokens, or per image);
// the gateway starts on the example's own config, and five scenes show what it does. With provider
// keys, `npm run serve` runs the same config.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI, { toFile } from 'openai';
import { pino } from 'pino';
import { startServer } from '@tollgate/server';
import { createMockGemini, createMockOpenAI, pngOfSize } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const keys = { master: 'sk-demo-master-key-00000001', studio: 'sk-demo-image-studio-00001', openai: 'sk-demo-openai-00000000001', gemini: 'AIza-demo-gemini-0000000001' };

/** Runs the five scenes and returns what each showed; `say` narrates. */
export async function runDemo(say = (line) => console.log(line)) {
  const openai = await createMockOpenAI({ apiKey: keys.openai });
  const gemini = await createMockGemini({ apiKey: keys.gemini });
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-example-'));
  const server = await startServer({
    configFile: join(here, 'tollgate.config.yaml'),
    cwd: here,
    port: 0,
    logger: pino({ enabled: false }),
    env: {
      ...process.env,
      OPENAI_URL: openai.baseURL,
      OPENAI_API_KEY: keys.openai,
      GEMINI_URL: gemini.baseURL,
      GEMINI_API_KEY: keys.gemini,
      TOLLGATE_MASTER_KEY: keys.master,
      STUDIO_KEY: keys.studio,
      TOLLGATE_DB: join(folder, 'tollgate.sqlite'),
    },
  });
  const studio = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: keys.studio, maxRetries: 0 });
  const results = {};
  try {
    say(`Gateway on ${server.url}; OpenAI mock ${openai.baseURL}; Gemini mock ${gemini.baseURL}\n`);

    say('1. A product shot on GPT Image 1.5, priced by its tokens (the image at $32 per million image tokens).');
    const shot = await studio.images.generate({ model: 'shoot', prompt: 'a ceramic lamp on a white table, studio light', size: '1024x1024', quality: 'medium' }).withResponse();
    results.shot = { images: shot.data.data.length, usage: shot.data.usage, cost: Number(shot.response.headers.get('x-tollgate-cost')) };
    say(`   ${results.shot.images} image, ${results.shot.usage.output_tokens} image tokens: $${results.shot.cost}\n`);

    say('2. The lamp placed in the team\'s own photo of a room: an edit of two uploads, their tokens priced as image input.');
    const edited = await studio.images
      .edit({
        model: 'edit',
        image: [await toFile(pngOfSize(1024, 1024), 'room.png', { type: 'image/png' }), await toFile(pngOfSize(1024, 1024), 'lamp.png', { type: 'image/png' })],
        prompt: 'put the lamp on the side table in the room',
        quality: 'low',
        size: '1024x1024',
      })
      .withResponse();
    results.edit = { uploadTokens: edited.data.usage.input_tokens_details.image_tokens, cost: Number(edited.response.headers.get('x-tollgate-cost')) };
    say(`   uploads counted as ${results.edit.uploadTokens} image tokens: $${results.edit.cost}\n`);

    say("3. OpenAI is overloaded (503): the next shot is drawn by Gemini 2.5 Flash Image, priced at its image tokens' $30 per million.");
    openai.enqueue({ status: 503, error: { message: 'The server is overloaded.', type: 'server_error' } });
    const fallback = await studio.images.generate({ model: 'shoot', prompt: 'the lamp at night', size: '1024x1024' }).withResponse();
    results.fallback = { model: fallback.response.headers.get('x-tollgate-model'), attempts: Number(fallback.response.headers.get('x-tollgate-attempts')), cost: Number(fallback.response.headers.get('x-tollgate-cost')) };
    say(`   drawn by ${results.fallback.model} after ${results.fallback.attempts} attempts: $${results.fallback.cost}\n`);

    say('4. Four quick drafts on Imagen 4 Fast, priced by the image ($0.02).');
    const drafts = await studio.images.generate({ model: 'draft', prompt: 'lamp concepts, pencil sketch', n: 4, size: '1024x1024' }).withResponse();
    results.drafts = { images: drafts.data.data.length, cost: Number(drafts.response.headers.get('x-tollgate-cost')) };
    say(`   ${results.drafts.images} drafts: $${results.drafts.cost}\n`);

    say("5. The team's budget holds before every call: ten 4K high-quality shots could cost more than is left, and are refused before any provider hears of them.");
    const calls = openai.requests.length + gemini.requests.length;
    const refused = await studio.images.generate({ model: 'shoot', prompt: 'billboards', n: 10, size: '3840x2160', quality: 'high' }).catch((error) => error);
    results.refused = { status: refused.status, code: refused.code, upstreamCalls: openai.requests.length + gemini.requests.length - calls };
    say(`   ${refused.status} ${refused.code}: ${refused.message}`);
    const key = await studio.get('/key');
    results.budget = key.data.budgets.find((budget) => budget.scope === 'team');
    say(`   team "design": $${results.budget.spent_usd} spent of $${results.budget.limit_usd}, $${results.budget.remaining_usd} left`);
    return results;
  } finally {
    await server.close();
    await Promise.all([openai.close(), gemini.close()]);
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDemo();
