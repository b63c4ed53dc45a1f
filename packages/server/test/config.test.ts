import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@tollgate/core';
import { createTollgate, interpolateEnv } from '../src/index.js';
import { serverPackageDirectory } from './support/start-test-gateway.js';

const silent = pino({ enabled: false });
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** A temp folder holding `files`; plugin packages resolve through a symlinked node_modules. */
async function folderWith(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-config-'));
  folders.push(folder);
  const { symlink } = await import('node:fs/promises');
  await symlink(join(serverPackageDirectory, 'node_modules'), join(folder, 'node_modules'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(folder, name), content);
  return folder;
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ConfigError.isInstance(error), String(error)).toBe(true);
  return error as ConfigError;
}

describe('env interpolation', () => {
  it('replaces ${VAR} and ${VAR:-default} in strings only, keeps $${ literal, and reports unset variables by path', () => {
    const issues: { path: string; message: string }[] = [];
    const result = interpolateEnv(
      { a: '${KEY}', b: ['x-${MISSING:-fallback}-y'], c: { d: '${EMPTY:-was-empty}', e: '$${NOT_A_VAR}', f: 5 }, g: '${UNSET}' },
      { KEY: 'secret', EMPTY: '' },
      issues,
    );
    expect(result).toEqual({ a: 'secret', b: ['x-fallback-y'], c: { d: 'was-empty', e: '${NOT_A_VAR}', f: 5 }, g: '${UNSET}' });
    expect(issues).toEqual([{ path: 'g', message: expect.stringContaining('environment variable UNSET is not set') }]);
  });
});

describe('config discovery and plugin loading', () => {
  it('finds tollgate.config.yaml in the working folder, interpolating the environment', async () => {
    const folder = await folderWith({
      'tollgate.config.yaml': 'plugins: ["@tollgate/provider-echo"]\nauth: { masterKey: "${MY_MASTER}" }\nproviders: { echo: { type: echo, prefix: "${PREFIX:-Echo: }" } }\nmodels: { echo: { target: echo/echo-1 } }\n',
    });
    const tollgate = await createTollgate({ cwd: folder, env: { MY_MASTER: 'sk-master-from-env-000001' }, logger: silent });
    expect(tollgate.configSource).toBe(join(folder, 'tollgate.config.yaml'));
    expect(tollgate.config.auth.masterKey).toBe('sk-master-from-env-000001');
    expect(tollgate.gateway.engine.listModels()).toEqual(['echo']);
    await tollgate.close();
  });

  it('loads JSON, JavaScript and TypeScript configs, and a local plugin by relative path with its options', async () => {
    const plugin = `import { definePlugin, z } from '@tollgate/core';
export default definePlugin({
  name: 'local-rules',
  options: z.strictObject({ tag: z.string() }),
  setup(api, options) { api.addHook('route', (context) => { context.set?.('tag', options.tag); }); },
});`;
    const folder = await folderWith({
      'rules.mjs': plugin,
      'tollgate.config.ts': `const config: Record<string, unknown> = { plugins: ['@tollgate/provider-echo', { name: './rules.mjs', options: { tag: 'ts' } }], auth: { masterKey: 'sk-ts-config-master-0001' } };\nexport default config;\n`,
      'other.json': JSON.stringify({ plugins: [{ name: './rules.mjs', options: { tag: 'json' } }], auth: { masterKey: 'sk-json-config-master-01' } }),
      'plain.js': "export default { plugins: ['@tollgate/provider-echo'], auth: { masterKey: 'sk-js-config-master-0001' } };\n",
      'package.json': JSON.stringify({ type: 'module' }),
    });
    const fromTs = await createTollgate({ cwd: folder, logger: silent });
    expect(fromTs.configSource).toBe(join(folder, 'tollgate.config.ts'));
    await fromTs.close();
    const fromJson = await createTollgate({ cwd: folder, configFile: join(folder, 'other.json'), logger: silent });
    expect(fromJson.config.auth.masterKey).toBe('sk-json-config-master-01');
    await fromJson.close();
    const fromJs = await createTollgate({ cwd: folder, configFile: join(folder, 'plain.js'), logger: silent });
    expect(fromJs.config.auth.masterKey).toBe('sk-js-config-master-0001');
    await fromJs.close();
  });

  it('refuses a bad config listing every problem by path', async () => {
    const folder = await folderWith({
      'tollgate.config.yaml': [
        'plugins: ["@tollgate/provider-openai", "@tollgate/no-such-plugin", { name: "./missing.mjs" }]',
        'providers:',
        '  openai: { type: openai }',
        '  gpu: { type: openai, baseURL: "not a url" }',
        'models:',
        '  smart: { targets: [openai/gpt-4o, claud/sonnet] }',
        'auth: { masterKey: "${NOT_SET_ANYWHERE}" }',
      ].join('\n'),
    });
    const error = await configError(createTollgate({ cwd: folder, env: {}, logger: silent }));
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message]));
    expect(byPath['auth.masterKey']).toMatch(/environment variable NOT_SET_ANYWHERE is not set/);
    expect(byPath['plugins[1]']).toMatch(/cannot find plugin package "@tollgate\/no-such-plugin"/);
    expect(byPath['plugins[2]']).toMatch(/failed to load/);
    expect(byPath['providers.openai.apiKey']).toMatch(/^required/);
    expect(byPath['providers.gpu.baseURL']).toMatch(/must be an http\(s\) URL/);
    expect(byPath['models.smart.targets[1]']).toBe('unknown provider "claud"; configured providers: openai, gpu');
    expect(error.message).toContain('providers.openai.apiKey: required');
  });
});
