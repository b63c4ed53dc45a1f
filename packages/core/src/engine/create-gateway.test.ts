import { describe, expect, it } from 'vitest';
import { ConfigError, createGateway, createServiceToken, definePlugin, Logger, z, type ConfigIssue, type LoadedPlugin } from '../index.js';
import { RecordingProvider } from '../test-support/recording-provider.js';

const providerPlugin = definePlugin({
  name: 'acme-provider',
  setup(api) {
    api.registerProvider('acme', {
      options: z.strictObject({ apiKey: z.string(), region: z.enum(['eu', 'us']).default('eu') }),
      create: (_options, init) => new RecordingProvider(init.name),
    });
  },
});

async function configIssues(config: unknown, plugins: LoadedPlugin[] = [{ plugin: providerPlugin }]): Promise<ConfigIssue[]> {
  const error = await createGateway({ config, plugins }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ConfigError.isInstance(error)).toBe(true);
  return [...(error as ConfigError).issues];
}

describe('createGateway', () => {
  it('lists every config problem by its path, at once', async () => {
    const issues = await configIssues({
      providers: {
        acme: { type: 'acme' },
        typo: { type: 'acmee' },
        extra: { type: 'acme', apiKey: 'k', colour: 'blue' },
      },
      models: {
        smart: { targets: ['acme/big', 'claud/sonnet'] },
        both: { target: 'acme/x', targets: ['acme/y'] },
        bad: { target: 'no-slash' },
      },
      server: { port: 'eighty' },
      teams: {},
    });
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
    expect(byPath['providers.acme.apiKey']).toBe('required');
    expect(byPath['providers.typo.type']).toMatch(/unknown provider type "acmee"; the loaded plugins provide: acme/);
    expect(byPath['providers.extra.colour']).toMatch(/unknown key/);
    expect(byPath['models.bad.target']).toMatch(/provider\/model/);
    expect(byPath['models.both']).toMatch(/exactly one of "target" or "targets"/);
    expect(byPath['server.port']).toBeDefined();
    expect(byPath.teams).toMatch(/unknown key/);
  });

  it('names unknown providers in model targets', async () => {
    const issues = await configIssues({
      providers: { acme: { type: 'acme', apiKey: 'k' } },
      models: { smart: { targets: ['acme/big', 'claud/sonnet'] }, solo: { target: 'nope/x' } },
    });
    expect(issues).toEqual([
      { path: 'models.smart.targets[1]', message: 'unknown provider "claud"; configured providers: acme' },
      { path: 'models.solo.target', message: 'unknown provider "nope"; configured providers: acme' },
    ]);
  });

  it("validates each plugin's options with its schema, under the plugin's config path", async () => {
    const withOptions = definePlugin({
      name: 'needs-url',
      options: z.strictObject({ url: z.url(), batchSize: z.number().int().default(100) }),
      setup() {},
    });
    const issues = await configIssues({}, [{ plugin: providerPlugin }, { plugin: withOptions, options: {}, configPath: 'plugins[1]' }]);
    expect(issues).toEqual([{ path: 'plugins[1].options.url', message: 'required' }]);
  });

  it('refuses a module that is not a plugin, and a provider type registered twice', async () => {
    const issues = await configIssues({}, [{ plugin: providerPlugin }, { plugin: { name: 'x' } as never }, { plugin: providerPlugin }]);
    expect(issues.map((issue) => issue.path)).toEqual(['plugins[1]', 'plugins[2]']);
    expect(issues[1]?.message).toMatch(/already registered by acme-provider/);
  });

  it('resolves services by token through the container, a later plugin winning', async () => {
    const Greeter = createServiceToken<{ greet(): string }>('Greeter');
    let seenByLaterPlugin: string | undefined;
    const first = definePlugin({ name: 'first', setup: (api) => api.provide(Greeter, { greet: () => 'first' }) });
    const second = definePlugin({
      name: 'second',
      setup(api) {
        seenByLaterPlugin = api.resolve(Greeter)?.greet();
        api.provide(Greeter, { greet: () => 'second' });
        expect(api.resolve(Logger)).toBeDefined();
      },
    });
    const gateway = await createGateway({ config: {}, plugins: [{ plugin: first }, { plugin: second }] });
    expect(seenByLaterPlugin).toBe('first');
    expect(gateway.resolve(Greeter)?.greet()).toBe('second');
    expect(createServiceToken('Greeter').key).toBe(Greeter.key);
  });

  it('closes plugins once, in reverse order, after draining', async () => {
    const closed: string[] = [];
    const plugin = (name: string) => definePlugin({ name, setup: () => ({ close: () => void closed.push(name) }) });
    const gateway = await createGateway({ config: {}, plugins: [{ plugin: plugin('a') }, { plugin: plugin('b') }] });
    await Promise.all([gateway.close(), gateway.close()]);
    expect(closed).toEqual(['b', 'a']);
  });

  it('rejects a hook on an unknown phase with the phase list', async () => {
    const bad = definePlugin({ name: 'bad-hook', setup: (api) => api.addHook('transform' as never, (() => {}) as never) });
    const issues = await configIssues({}, [{ plugin: bad }]);
    expect(issues[0]?.message).toMatch(/unknown phase "transform"; phases are: auth, route/);
  });
});
