// An existing Express app with its own routes, and the Tollgate gateway mounted under /llm.
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createTollgate } from '@tollgate/server';

/** Builds the host app and its gateway; the caller listens and closes. */
export async function createApp() {
  const app = express();
  app.use(express.json());
  app.get('/', (_req, res) => res.json({ app: 'my-existing-app', llm: '/llm/v1' }));
  app.get('/api/status', (_req, res) => res.json({ ok: true }));

  const tollgate = await createTollgate({ configFile: fileURLToPath(new URL('./tollgate.config.yaml', import.meta.url)) });
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
