// `npm start`: starts two `tollgate start` processes on tollgate.config.yaml (PostgreSQL and Redis
// must be running; DATABASE_URL and REDIS_URL say where), in front of the testkit's mock OpenAI; gives
// a team a $0.05 budget through the admin API; fires 200 concurrent requests split across both
// instances; and checks in the database that spend never passed the budget and that every request
// was recorded exactly once. Then a deployment's quota of 3 requests a minute, spent across both
// instances, and a Responses API conversation begun on one instance and continued on the other.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import pg from 'pg';
import { createMockOpenAI } from '@tollgate/testkit';

const here = dirname(fileURLToPath(import.meta.url));
const cli = fileURLToPath(import.meta.resolve('@tollgate/server/package.json')).replace(/package\.json$/, 'dist/cli.js');

function startInstance(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--config', join(here, 'tollgate.config.yaml')], { cwd: here, env });
    let output = '';
    const onData = (data) => {
      output += data;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', (data) => (output += data));
    child.on('exit', (code) => reject(new Error(`tollgate exited ${code}: ${output}`)));
  });
}

/** Runs the proof; returns its figures. `say` narrates. */
export async function proveSharedBudget(say = (line) => console.log(line)) {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `tollgate_example_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const masterKey = `sk-example-master-${randomUUID()}`;
  const mock = await createMockOpenAI();
  const env = { ...process.env, DATABASE_URL: databaseUrl, TOLLGATE_SCHEMA: schema, TOLLGATE_MASTER_KEY: masterKey, OPENAI_BASE_URL: mock.baseURL, BACKUP_BASE_URL: mock.baseURL };
  const database = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const instances = [];
  try {
    instances.push(...(await Promise.all([startInstance(env), startInstance(env)])));
    const [a, b] = instances;
    say(`Two instances: ${a.url} and ${b.url}, sharing PostgreSQL (schema ${schema}) and Redis.`);
    const admin = (url, path, body) => fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((response) => response.json());
    const key = await admin(a.url, '/admin/keys', { alias: 'load-agent', team_id: 'shared-team' });
    await admin(b.url, '/admin/budgets', { scope: 'team', id: 'shared-team', limit_usd: 0.05, period: 'monthly' });
    say('Team "shared-team" has a $0.05 budget; firing 200 concurrent requests, alternating instances…');

    const clients = instances.map((instance) => new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: key.key, maxRetries: 0 }));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        clients[index % 2].chat.completions
          .create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: `Say hello number ${index}` }] })
          .then(() => 'ok', (error) => error.code ?? String(error)),
      ),
    );
    const succeeded = outcomes.filter((outcome) => outcome === 'ok').length;
    const rejected = outcomes.filter((outcome) => outcome === 'budget_exceeded').length;

    let rows = [];
    for (let attempt = 0; attempt < 50 && rows.length < 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = (await database.query(`SELECT status, cost_micros FROM ${schema}.tollgate_requests WHERE team_id = 'shared-team'`)).rows;
    }
    const spentMicros = rows.reduce((sum, row) => sum + Number(row.cost_micros ?? 0), 0);
    const holds = (await database.query(`SELECT COUNT(*)::int AS count FROM ${schema}.tollgate_reservations`)).rows[0].count;
    const figures = { sent: 200, succeeded, rejected, other: 200 - succeeded - rejected, recorded: rows.length, spentUsd: spentMicros / 1e6, budgetUsd: 0.05, holdsLeft: holds };
    say(`sent 200: ${succeeded} succeeded, ${rejected} rejected with budget_exceeded, ${figures.other} other`);
    say(`recorded ${rows.length} rows; spend $${figures.spentUsd.toFixed(6)} of $0.05; ${holds} holds left`);
    say(spentMicros <= 50_000 && rows.length === 200 && figures.other === 0 && holds === 0 ? 'The budget held across both instances.' : 'The budget did NOT hold: see the figures above.');

    // A deployment's quota (rpm: 3) counted by both instances together, through Redis.
    const master = instances.map((instance) => new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: masterKey, maxRetries: 0 }));
    const providerOf = async (index) => (await master[index].chat.completions.create({ model: 'quota-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse()).response.headers.get('x-tollgate-provider');
    const untilSeen = async (url, requests) => {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const quotas = await fetch(`${url}/admin/quotas`, { headers: { authorization: `Bearer ${masterKey}` } }).then((response) => response.json());
        if (quotas.data.find((use) => use.target === 'openai/gpt-4o-mini')?.requests_last_minute === requests) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const quotaRoute = [await providerOf(0), await providerOf(0)];
    await untilSeen(b.url, 2);
    quotaRoute.push(await providerOf(1));
    await untilSeen(a.url, 3);
    quotaRoute.push(await providerOf(0), await providerOf(1));
    figures.quotaRoute = quotaRoute;
    say(`quota-mini (rpm 3 on openai, then backup), alternating A A B A B: ${quotaRoute.join(', ')}`);

    // A Responses API conversation begun on one instance and continued on the other (turns kept in PostgreSQL).
    mock.enqueue({ content: 'Noted: your name is Ada.' }, { content: 'Your name is Ada.' });
    const first = await master[0].responses.create({ model: 'gpt-4o-mini', input: 'My name is Ada.' });
    const second = await master[1].responses.create({ model: 'gpt-4o-mini', previous_response_id: first.id, input: 'What is my name?' });
    figures.conversation = mock.requests.at(-1).body.messages.map((message) => `${message.role}: ${message.content}`);
    say(`continued on B from A's ${first.id}: the model got ${JSON.stringify(figures.conversation)} and answered "${second.output_text}"`);
    return figures;
  } finally {
    for (const { child } of instances) child.kill('SIGTERM');
    await Promise.all(instances.map(({ child }) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await database.end();
    await mock.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await proveSharedBudget();
