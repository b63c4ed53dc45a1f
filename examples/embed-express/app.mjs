// An existing Express app — its own routes, its own users and sessions — with the Tollgate gateway
// mounted under /llm. The app's users call the gateway with their app session: a custom `auth` hook
// maps the session's user to a Tollgate principal (user, team, allowed models), so budgets, limits and
// the ledger see the app's users, not a shared key.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { definePlugin } from '@tollgate/core';
import { createTollgate } from '@tollgate/server';

/** The app's own users (a database, in a real app): each with a team, and models they may call. */
const users = new Map([
  ['alice', { id: 'u-alice', name: 'alice', team: 'research', models: undefined }],
  ['bob', { id: 'u-bob', name: 'bob', team: 'support', models: ['echo'] }],
]);

/** The app's sessions: token → user. */
const sessions = new Map();

/** The app's own auth middleware: a bearer session token, for the app's routes. */
function requireSession(req, res, next) {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const user = token === undefined ? undefined : sessions.get(token);
  if (user === undefined) return res.status(401).json({ error: 'log in first' });
  req.user = user;
  next();
}

/** Maps an app session to a Tollgate principal: the gateway's `auth` phase, after the config keys. */
const appSessions = definePlugin({
  name: 'app-sessions',
  setup(api) {
    api.addHook('auth', (context) => {
      const user = context.credential === undefined ? undefined : sessions.get(context.credential);
      if (user === undefined) return; // not an app session: the gateway answers 401
      context.principal = { keyId: `app-user:${user.id}`, keyName: user.name, isMaster: false, userId: user.id, teamId: user.team, ...(user.models === undefined ? {} : { allowedModels: user.models }) };
    });
  },
});

/** Builds the host app and its gateway; the caller listens and closes. */
export async function createApp() {
  const app = express();
  app.use(express.json());
  app.get('/', (_req, res) => res.json({ app: 'my-existing-app', llm: '/llm/v1' }));
  app.get('/api/status', (_req, res) => res.json({ ok: true }));
  // A demo login: a real app checks a password or an identity provider here.
  app.post('/login', (req, res) => {
    const user = users.get(req.body?.user);
    if (user === undefined) return res.status(401).json({ error: 'unknown user' });
    const token = `app-session-${randomBytes(18).toString('base64url')}`;
    sessions.set(token, user);
    res.json({ token });
  });
  app.get('/api/me', requireSession, (req, res) => res.json({ user: req.user.name, team: req.user.team }));

  const tollgate = await createTollgate({
    configFile: fileURLToPath(new URL('./tollgate.config.yaml', import.meta.url)),
    plugins: [{ plugin: appSessions }],
  });
  app.use('/llm', tollgate.router);
  return { app, tollgate };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { app, tollgate } = await createApp();
  const port = Number(process.env.PORT ?? 3000);
  const server = app.listen(port, '127.0.0.1', () => {
    console.error(`app on http://127.0.0.1:${server.address().port}; OpenAI base URL http://127.0.0.1:${server.address().port}/llm/v1`);
  });
  process.on('SIGTERM', async () => {
    server.close();
    await tollgate.close();
    process.exit(0);
  });
}
