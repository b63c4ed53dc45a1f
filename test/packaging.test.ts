import { execFile as execFileCallback } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const execFile = promisify(execFileCallback);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let folder: string | undefined;
afterAll(async () => {
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

it('packs every package into a tarball that installs with npm in an empty folder, where the example and the CLI work', async () => {
  folder = await mkdtemp(join(tmpdir(), 'tollgate-pack-'));
  const tarballs = join(folder, 'tarballs');
  await execFile('pnpm', ['-r', '--filter', './packages/**', 'pack', '--pack-destination', tarballs], { cwd: root });
  const files = await readdir(tarballs);
  const tarball = (name: string) => {
    const file = files.find((candidate) => candidate.startsWith(`tollgate-${name}-`));
    expect(file, `tarball of @tollgate/${name}`).toBeDefined();
    return `file:./tarballs/${file}`;
  };
  expect(files.length).toBeGreaterThanOrEqual(7);

  const app = join(folder, 'app');
  await execFile('mkdir', ['-p', app]);
  await execFile('mv', [tarballs, join(app, 'tarballs')]);
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'tollgate-from-tarballs',
      private: true,
      type: 'module',
      dependencies: {
        '@tollgate/core': tarball('core'),
        '@tollgate/server': tarball('server'),
        '@tollgate/provider-utils': tarball('provider-utils'),
        '@tollgate/provider-echo': tarball('provider-echo'),
        '@tollgate/provider-openai': tarball('provider-openai'),
        '@tollgate/provider-anthropic': tarball('provider-anthropic'),
        express: '^5.3.0',
      },
      // The tarballs depend on each other by version; point those at the local files too.
      overrides: { '@tollgate/core': '$@tollgate/core', '@tollgate/provider-echo': '$@tollgate/provider-echo', '@tollgate/provider-utils': '$@tollgate/provider-utils' },
    }),
  );
  await execFile('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, timeout: 150_000 });
  for (const name of ['app.mjs', 'tollgate.config.yaml']) await copyFile(join(root, 'examples/embed-express', name), join(app, name));

  const script = `
    import { createApp } from './app.mjs';
    const { app, tollgate } = await createApp();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const response = await fetch('http://127.0.0.1:' + server.address().port + '/llm/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer sk-example-app-key-0001', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'from tarballs' }] }),
    });
    process.stderr.write('RESULT ' + JSON.stringify({ status: response.status, body: await response.json() }) + String.fromCharCode(10));
    await tollgate.close();
    server.close();
  `;
  const run = await execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: app, timeout: 30_000 });
  const result = JSON.parse(/^RESULT (.*)$/m.exec(run.stderr)![1]!) as { status: number; body: { choices: { message: { content: string } }[] } };
  expect(result.status).toBe(200);
  expect(result.body.choices[0]?.message.content).toBe('Echo: from tarballs');
  // The app's gateway logs its request line as JSON on stdout.
  expect(run.stdout).toMatch(/"msg":"request"/);

  const check = await execFile(process.execPath, [join(app, 'node_modules/@tollgate/server/dist/cli.js'), 'check'], { cwd: app });
  expect(check.stdout).toMatch(/tollgate\.config\.yaml: OK/);
  const installed = JSON.parse(await readFile(join(app, 'node_modules/@tollgate/provider-openai/package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
  expect(installed.peerDependencies['@tollgate/core']).toMatch(/^\^\d/);
}, 180_000);
