/** The plugin kinds `tollgate plugin new` scaffolds. */
export type PluginKind = 'provider' | 'guardrail' | 'ledger' | 'cache';

/** What a template is filled with. */
export interface TemplateValues {
  /** The npm package name (`tollgate-provider-acme`, `@acme/tollgate-guardrail`). */
  readonly packageName: string;
  /** A short identifier from the name (`acme`), for provider types and file names. */
  readonly slug: string;
  /** The version range of the @tollgate packages (`^0.1.0`). */
  readonly tollgateRange: string;
}

const tsconfig = `{
  "compilerOptions": {
    "target": "ES2023",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "types": ["node"],
    "strict": true,
    "declaration": true,
    "skipLibCheck": true,
    "verbatimModuleSyntax": true,
    "rootDir": "src",
    "outDir": "dist"
  },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"]
}
`;

const changesetConfig = `{
  "$schema": "https://unpkg.com/@changesets/config@3.0.0/schema.json",
  "changelog": "@changesets/cli/changelog",
  "commit": false,
  "access": "public",
  "baseBranch": "main"
}
`;

function packageJson(values: TemplateValues, kind: PluginKind): string {
  const devDependencies: Record<string, string> = {
    '@changesets/cli': '^3.0.3',
    '@tollgate/core': values.tollgateRange,
    '@tollgate/testkit': values.tollgateRange,
    '@types/node': '^24.0.0',
    typescript: '^7.0.2',
    vitest: '^5.1.1',
  };
  if (kind === 'guardrail' || kind === 'cache') devDependencies['@tollgate/provider-echo'] = values.tollgateRange;
  return `${JSON.stringify(
    {
      name: values.packageName,
      version: '0.1.0',
      description: `A Tollgate ${kind} plugin.`,
      type: 'module',
      sideEffects: false,
      engines: { node: '>=22.18' },
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist', 'README.md'],
      keywords: ['tollgate', 'tollgate-plugin', kind],
      scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run', changeset: 'changeset', release: 'npm run build && changeset publish' },
      peerDependencies: { '@tollgate/core': values.tollgateRange },
      ...(kind === 'provider' ? { dependencies: { '@tollgate/provider-utils': values.tollgateRange } } : {}),
      ...(kind === 'cache' ? { dependencies: { '@tollgate/response-cache': values.tollgateRange } } : {}),
      devDependencies,
    },
    null,
    2,
  )}\n`;
}

function readme(values: TemplateValues, kind: PluginKind, usage: string, options: string): string {
  return `# ${values.packageName}

A [Tollgate](https://www.npmjs.com/package/@tollgate/server) ${kind} plugin.

\`\`\`sh
npm install ${values.packageName}
\`\`\`

\`\`\`yaml
# tollgate.config.yaml
${usage}
\`\`\`

## Options

${options}

## Develop

\`\`\`sh
npm install
npm test          # vitest, against the testkit
npm run build     # dist/ with type declarations
npx changeset     # describe a change; \`npm run release\` publishes
\`\`\`
`;
}

function providerFiles(values: TemplateValues): Record<string, string> {
  const { slug } = values;
  return {
    'src/index.ts': `import { ${slug}Plugin } from './${slug}-plugin.js';

export default ${slug}Plugin;
export { ${slug}Plugin };
`,
    'src/options.ts': `import { z } from '@tollgate/core';
import { upstreamTimeoutsSchema } from '@tollgate/provider-utils';

/** Options of one \`type: ${slug}\` provider instance (validated at startup; errors name the config path). */
export const ${slug}OptionsSchema = z.strictObject({
  apiKey: z.string().min(1),
  baseURL: z.url().default('https://api.${slug}.example/v1'),
  timeouts: upstreamTimeoutsSchema,
});

/** Options of one \`type: ${slug}\` provider instance. */
export type ${capitalize(slug)}Options = z.output<typeof ${slug}OptionsSchema>;
`,
    [`src/${slug}-provider.ts`]: `import type { ChatCompletionRequest, ChatCompletionResponse, Provider, ProviderCallOptions, ProviderChatResult, ProviderStream } from '@tollgate/core';
import { z } from '@tollgate/core';
import { HttpUpstream, decodeOpenAICompatibleSse, parseUpstreamJson, toOpenAICompatibleError } from '@tollgate/provider-utils';
import type { ${capitalize(slug)}Options } from './options.js';

const responseSchema = z.looseObject({ choices: z.array(z.unknown()) });

/**
 * The ${slug} upstream. This scaffold assumes an OpenAI-compatible wire; for another format, translate
 * the request in #body, the answer in doChat, and the stream in doStream (see @tollgate/provider-anthropic).
 */
export class ${capitalize(slug)}Provider implements Provider {
  readonly specificationVersion = 'v1';
  readonly wire = '${slug}';
  readonly name: string;
  readonly #upstream: HttpUpstream;
  readonly #headers: Record<string, string>;
  readonly #secrets: string[];

  constructor(name: string, options: ${capitalize(slug)}Options) {
    this.name = name;
    this.#upstream = new HttpUpstream({ provider: name, baseURL: options.baseURL, timeouts: options.timeouts });
    this.#headers = { 'content-type': 'application/json', authorization: \`Bearer \${options.apiKey}\` };
    this.#secrets = [options.apiKey];
  }

  /** The upstream's origin (traces name it as \`server.address\` and \`server.port\`). */
  get origin(): string {
    return this.#upstream.origin;
  }

  async doChat(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const body = await this.#post(this.#body(request, options, false), options);
    const response = parseUpstreamJson(await body.bytes(), responseSchema, { provider: this.name, expected: 'a chat.completion' });
    return { response: response as ChatCompletionResponse };
  }

  async doStream(request: ChatCompletionRequest, options: ProviderCallOptions): Promise<ProviderStream> {
    const body = await this.#post(this.#body(request, options, true), options);
    const toStreamError = (data: string) => toOpenAICompatibleError({ provider: this.name, status: 502, headers: {}, bodyText: data, secrets: this.#secrets });
    return { type: 'chunks', chunks: decodeOpenAICompatibleSse(body, { provider: this.name, toStreamError }) };
  }

  async close(): Promise<void> {
    await this.#upstream.close();
  }

  #body(request: ChatCompletionRequest, options: ProviderCallOptions, stream: boolean): string {
    return JSON.stringify({ ...request, model: options.model, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
  }

  #post(body: string, options: ProviderCallOptions) {
    return this.#upstream.post({
      path: '/chat/completions',
      headers: this.#headers,
      body,
      options,
      toError: (status, headers, bodyText) => toOpenAICompatibleError({ provider: this.name, status, headers, bodyText, secrets: this.#secrets }),
    });
  }
}
`,
    [`src/${slug}-plugin.ts`]: `import { definePlugin } from '@tollgate/core';
import { ${slug}OptionsSchema } from './options.js';
import { ${capitalize(slug)}Provider } from './${slug}-provider.js';

/** Registers the \`${slug}\` provider type. */
export const ${slug}Plugin = definePlugin({
  name: '${values.packageName}',
  setup(api) {
    api.registerProvider('${slug}', {
      options: ${slug}OptionsSchema,
      create: (options, init) => new ${capitalize(slug)}Provider(init.name, options),
    });
  },
});
`,
    'src/conformance.test.ts': `import { describe, it } from 'vitest';
import { createMockOpenAI, openAIConformanceUpstream, providerConformanceChecks } from '@tollgate/testkit';
import { ${slug}Plugin } from './${slug}-plugin.js';

const secret = 'sk-${slug}-test-key-0123456789';

// The checks every Tollgate provider passes, against a mock of the upstream. Replace the mock with
// one of your upstream's wire if it is not OpenAI-compatible (see ConformanceUpstream).
describe('${values.packageName} passes the provider conformance checks', () => {
  const checks = providerConformanceChecks({
    plugin: ${slug}Plugin,
    type: '${slug}',
    startUpstream: async () => {
      const mock = await createMockOpenAI();
      return openAIConformanceUpstream(mock, { providerOptions: { baseURL: mock.baseURL, apiKey: secret }, model: '${slug}-large', secret });
    },
  });
  for (const check of checks) it(check.name, check.run);
});
`,
    'README.md': readme(
      values,
      'provider',
      `plugins: ["${values.packageName}"]\nproviders:\n  ${slug}: { type: ${slug}, apiKey: "\${${slug.toUpperCase()}_API_KEY}" }\nmodels:\n  ${slug}-large: { target: ${slug}/${slug}-large }`,
      '| option | default | meaning |\n| --- | --- | --- |\n| `apiKey` | required | sent as a bearer token |\n| `baseURL` | the upstream\'s | |\n| `timeouts` | 10 s / 120 s / 60 s / 600 s | connect, first byte, idle, total |',
    ),
  };
}

function guardrailFiles(values: TemplateValues): Record<string, string> {
  const { slug } = values;
  return {
    'src/index.ts': `import { ${slug}Plugin } from './${slug}-plugin.js';

export default ${slug}Plugin;
export { ${slug}Plugin };
`,
    [`src/${slug}-plugin.ts`]: `import { definePlugin, GatewayError, z } from '@tollgate/core';

/** Options: words that refuse a request when a user message contains them. */
export const ${slug}OptionsSchema = z.strictObject({ deny: z.array(z.string().min(1)).min(1) });

/** Refuses requests whose user messages contain a denied word (400, naming the rule, not the word). */
export const ${slug}Plugin = definePlugin({
  name: '${values.packageName}',
  options: ${slug}OptionsSchema,
  setup(api, options) {
    // Built once at startup, not per request.
    const pattern = new RegExp(options.deny.map((word) => word.replace(/[.*+?^\${}()|[\\]\\\\]/g, '\\\\$&')).join('|'), 'i');
    api.addHook('transform.request', function ${slug}Guardrail(context) {
      if (context.operation !== 'chat') return;
      const text = context.request.messages.filter((message) => message.role === 'user').map((message) => JSON.stringify(message.content)).join('\\n');
      if (pattern.test(text)) {
        throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'The request was refused by the ${slug} guardrail: it contains a denied word. Rephrase it.', { param: 'messages' });
      }
    });
  },
});
`,
    [`src/${slug}-plugin.test.ts`]: `import { describe, expect, it } from 'vitest';
import echoPlugin from '@tollgate/provider-echo';
import { createGateway, GatewayError, RequestContext } from '@tollgate/core';
import { ${slug}Plugin } from './${slug}-plugin.js';

const key = 'sk-${slug}-test-master-0001';

async function gateway() {
  return createGateway({
    config: { auth: { masterKey: key }, providers: { echo: { type: 'echo' } }, models: { echo: { target: 'echo/echo-1' } } },
    plugins: [{ plugin: echoPlugin }, { plugin: ${slug}Plugin, options: { deny: ['forbidden'] } }],
  });
}

const ask = (content: string) => new RequestContext({ requestId: content, operation: 'chat', ingress: 'openai', request: { model: 'echo', messages: [{ role: 'user', content }] }, credential: key });

describe('${values.packageName}', () => {
  it('lets ordinary requests through', async () => {
    const result = await (await gateway()).engine.handleChat(ask('hello'));
    expect(result.type === 'response' && result.response.choices[0]?.message.content).toBe('Echo: hello');
  });

  it('refuses a request with a denied word, before it reaches the provider', async () => {
    const error = await (await gateway()).engine.handleChat(ask('something FORBIDDEN here')).catch((caught: unknown) => caught);
    expect(GatewayError.isInstance(error) && error.status).toBe(400);
    expect(String(error)).not.toContain('FORBIDDEN');
  });
});
`,
    'README.md': readme(values, 'guardrail', `plugins:\n  - "@tollgate/provider-openai"\n  - { name: "${values.packageName}", options: { deny: [internal-codename] } }`, '| option | meaning |\n| --- | --- |\n| `deny` | words that refuse a request (case-insensitive) when a user message contains one |'),
  };
}

function ledgerFiles(values: TemplateValues): Record<string, string> {
  const { slug } = values;
  return {
    'src/index.ts': `import { ${slug}Plugin } from './${slug}-plugin.js';

export default ${slug}Plugin;
export { ${slug}Plugin };
`,
    [`src/${slug}-plugin.ts`]: `import { appendFile } from 'node:fs/promises';
import { definePlugin, Ledger, z, type LedgerEntry } from '@tollgate/core';

/** Options: the JSON-lines file finished requests are appended to. */
export const ${slug}OptionsSchema = z.strictObject({ path: z.string().min(1), flushIntervalMs: z.number().int().positive().default(200) });

/** A ledger that buffers finished requests and appends them as JSON lines, off the request path. */
export class JsonLinesLedger implements Ledger {
  #buffer: LedgerEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  constructor(private readonly path: string, private readonly flushIntervalMs: number) {}

  record(entry: LedgerEntry): void {
    this.#buffer.push(entry);
    this.#timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs);
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#buffer.splice(0);
    if (batch.length > 0) await appendFile(this.path, batch.map((entry) => JSON.stringify(entry)).join('\\n') + '\\n');
  }
}

/** Provides the Ledger service. */
export const ${slug}Plugin = definePlugin({
  name: '${values.packageName}',
  options: ${slug}OptionsSchema,
  setup(api, options) {
    const ledger = new JsonLinesLedger(options.path, options.flushIntervalMs);
    api.provide(Ledger, ledger);
    return { close: () => ledger.flush() };
  },
});
`,
    [`src/${slug}-plugin.test.ts`]: `import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLinesLedger } from './${slug}-plugin.js';

let folder: string | undefined;
afterEach(async () => {
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

describe('${values.packageName}', () => {
  it('buffers entries and writes each once on flush', async () => {
    folder = await mkdtemp(join(tmpdir(), '${slug}-'));
    const path = join(folder, 'ledger.jsonl');
    const ledger = new JsonLinesLedger(path, 60_000);
    const entry = { requestId: 'r1', startedAt: 1, operation: 'chat' as const, keyId: 'k', userId: undefined, teamId: undefined, orgId: undefined, model: 'm', provider: 'p', upstreamModel: 'm', usage: undefined, costMicros: undefined, latencyMs: 1, status: 200, errorCode: undefined, stream: false, attempts: [] };
    ledger.record(entry);
    ledger.record({ ...entry, requestId: 'r2' });
    await ledger.flush();
    await ledger.flush();
    const lines = (await readFile(path, 'utf8')).trim().split('\\n').map((line) => JSON.parse(line).requestId);
    expect(lines).toEqual(['r1', 'r2']);
  });
});
`,
    'README.md': readme(values, 'ledger', `plugins:\n  - { name: "${values.packageName}", options: { path: ./requests.jsonl } }`, '| option | default | meaning |\n| --- | --- | --- |\n| `path` | required | the JSON-lines file |\n| `flushIntervalMs` | 200 | longest wait before buffered requests are written |'),
  };
}

function cacheFiles(values: TemplateValues): Record<string, string> {
  const { slug } = values;
  return {
    'src/index.ts': `import { ${slug}Plugin } from './${slug}-plugin.js';

export default ${slug}Plugin;
export { ${slug}Plugin };
`,
    [`src/${slug}-plugin.ts`]: `import { definePlugin, z, type Cache } from '@tollgate/core';
import { responseCacheOptionsSchema, useResponseCache } from '@tollgate/response-cache';

/** Options: the response cache's (mode, scope, ttlMs, …) and how many answers to keep. */
export const ${slug}OptionsSchema = responseCacheOptionsSchema.extend({ maxEntries: z.number().int().positive().default(10_000) }).prefault({});

/** A Cache store: a Map with a TTL per entry, dropping the oldest entry when full. Replace it with your store. */
export class MapCache implements Cache {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  constructor(private readonly maxEntries: number) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
  }
}

/** Serves repeated requests from the cache; provides the Cache service. */
export const ${slug}Plugin = definePlugin({
  name: '${values.packageName}',
  options: ${slug}OptionsSchema,
  setup(api, options) {
    useResponseCache(api, new MapCache(options.maxEntries), options);
  },
});
`,
    [`src/${slug}-plugin.test.ts`]: `import { describe, expect, it } from 'vitest';
import echoPlugin from '@tollgate/provider-echo';
import { createGateway, RequestContext } from '@tollgate/core';
import { cacheConformanceChecks } from '@tollgate/testkit';
import { MapCache, ${slug}Plugin } from './${slug}-plugin.js';

const key = 'sk-${slug}-test-master-0001';

describe('${values.packageName}', () => {
  for (const check of cacheConformanceChecks({ open: async () => ({ cache: new MapCache(1_000), dispose: async () => {} }) })) it(check.name, check.run);

  it('answers a repeated request from the cache', async () => {
    const gateway = await createGateway({
      config: { auth: { masterKey: key }, providers: { echo: { type: 'echo' } }, models: { echo: { target: 'echo/echo-1' } } },
      plugins: [{ plugin: echoPlugin }, { plugin: ${slug}Plugin, options: { mode: 'always' } }],
    });
    const ask = async () => {
      const context = new RequestContext({ requestId: String(Math.random()), operation: 'chat', ingress: 'openai', request: { model: 'echo', messages: [{ role: 'user', content: 'hello' }] }, credential: key });
      await gateway.engine.handleChat(context);
      await gateway.engine.drain();
      return context.responseHeaders?.['x-tollgate-cache'];
    };
    expect(await ask()).toBe('miss');
    expect(await ask()).toBe('hit');
    await gateway.close();
  });
});
`,
    'README.md': readme(values, 'cache', `plugins:
  - "@tollgate/provider-openai"
  - { name: "${values.packageName}", options: { mode: deterministic, scope: team, ttlMs: 600000 } }`, '| option | default | meaning |\n| --- | --- | --- |\n| `maxEntries` | 10000 | answers kept at most |\n| `mode`, `scope`, `ttlMs`, `maxTtlMs`, `namespace` | | the response cache\'s options (see `@tollgate/response-cache`) |'),
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Every file of a new plugin package of `kind`, by path. */
export function pluginTemplate(kind: PluginKind, values: TemplateValues): Record<string, string> {
  const files = kind === 'provider' ? providerFiles(values) : kind === 'guardrail' ? guardrailFiles(values) : kind === 'cache' ? cacheFiles(values) : ledgerFiles(values);
  return {
    ...files,
    'package.json': packageJson(values, kind),
    'tsconfig.json': tsconfig,
    '.gitignore': 'node_modules/\ndist/\n',
    '.changeset/config.json': changesetConfig,
    '.changeset/README.md': 'Describe each change with `npx changeset`; `npm run release` builds and publishes.\n',
  };
}
