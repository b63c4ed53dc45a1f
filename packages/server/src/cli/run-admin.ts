import { parseArgs } from 'node:util';

const options = {
  url: { type: 'string' },
  alias: { type: 'string' },
  team: { type: 'string' },
  user: { type: 'string' },
  org: { type: 'string' },
  models: { type: 'string' },
  expires: { type: 'string' },
  duration: { type: 'string' },
  period: { type: 'string' },
  by: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  key: { type: 'string' },
  tag: { type: 'string' },
  tags: { type: 'string' },
  limit: { type: 'string' },
  name: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  parallel: { type: 'string' },
  budget: { type: 'string' },
  csv: { type: 'boolean' },
  errors: { type: 'boolean' },
} as const;

/** A request to the admin API: method, path (with query) and JSON body. */
interface AdminCall {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: Record<string, unknown>;
}

function query(entries: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * `--models a,b`, `--rpm`, `--tpm`, `--parallel` and `--budget USD` (with `--period`) as the admin
 * API's fields (a key's, or every key's under an org, team or user).
 */
function modelsAndLimits(values: { models?: string; rpm?: string; tpm?: string; parallel?: string; budget?: string; period?: string }): Record<string, unknown> {
  return {
    ...(values.budget === undefined ? {} : { budget: { limit_usd: Number(values.budget), ...(values.period === undefined ? {} : { period: values.period }) } }),
    ...(values.models === undefined ? {} : { models: values.models.split(',').map((model) => model.trim()).filter(Boolean) }),
    ...(values.rpm === undefined ? {} : { rpm_limit: Number(values.rpm) }),
    ...(values.tpm === undefined ? {} : { tpm_limit: Number(values.tpm) }),
    ...(values.parallel === undefined ? {} : { max_parallel_requests: Number(values.parallel) }),
  };
}

/** Maps a command line to an admin API call, or explains what is missing. */
function toCall(command: string, args: string[]): AdminCall | string {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  const [action, ...rest] = positionals;
  if (command === 'keys') {
    if (action === 'create') {
      if (values.alias === undefined) return 'keys create needs --alias NAME.';
      const body: Record<string, unknown> = { alias: values.alias };
      if (values.team !== undefined) body.team_id = values.team;
      if (values.user !== undefined) body.user_id = values.user;
      if (values.org !== undefined) body.org_id = values.org;
      if (values.tags !== undefined) body.tags = values.tags.split(',').map((tag) => tag.trim()).filter(Boolean);
      if (values.expires !== undefined) body.expires_at = values.expires;
      if (values.duration !== undefined) body.duration = values.duration;
      return { method: 'POST', path: '/admin/keys', body: { ...body, ...modelsAndLimits(values) } };
    }
    if (action === 'list') return { method: 'GET', path: `/admin/keys${query({ team_id: values.team })}` };
    if ((action === 'revoke' || action === 'rotate') && rest[0] !== undefined) return { method: 'POST', path: `/admin/keys/${action}`, body: { id: rest[0] } };
    if ((action === 'suspend' || action === 'activate') && rest[0] !== undefined) {
      return { method: 'POST', path: '/admin/keys/update', body: { id: rest[0], status: action === 'suspend' ? 'suspended' : 'active' } };
    }
    if (action === 'update' && rest[0] !== undefined) {
      // Only what is given changes; the limits given replace the key's own limits (as the API does).
      const body: Record<string, unknown> = { id: rest[0], ...modelsAndLimits(values) };
      if (values.alias !== undefined) body.alias = values.alias;
      if (values.tags !== undefined) body.tags = values.tags.split(',').map((tag) => tag.trim()).filter(Boolean);
      if (values.expires !== undefined) body.expires_at = values.expires;
      if (values.duration !== undefined) body.duration = values.duration;
      if (Object.keys(body).length === 1) return 'keys update ID needs something to change: --alias, --models, --tags, --expires, --duration, --rpm, --tpm, --parallel or --budget.';
      return { method: 'POST', path: '/admin/keys/update', body };
    }
    return 'Use: keys create|list|update ID|rotate ID|revoke ID|suspend ID|activate ID.';
  }
  if (command === 'orgs' || command === 'teams' || command === 'users') {
    const parentField = command === 'teams' ? 'org_id' : command === 'users' ? 'team_id' : undefined;
    const parentValue = command === 'teams' ? values.org : command === 'users' ? values.team : undefined;
    if (action === 'create' && rest[0] !== undefined) {
      const parent = parentField === undefined || parentValue === undefined ? {} : { [parentField]: parentValue };
      return { method: 'POST', path: `/admin/${command}`, body: { id: rest[0], ...(values.name === undefined ? {} : { name: values.name }), ...parent, ...modelsAndLimits(values) } };
    }
    if (action === 'list') return { method: 'GET', path: `/admin/${command}${parentField === undefined ? '' : query({ [parentField]: parentValue })}` };
    if (action === 'delete' && rest[0] !== undefined) return { method: 'POST', path: `/admin/${command}/delete`, body: { id: rest[0] } };
    return `Use: ${command} create ID [--name N]${command === 'teams' ? ' [--org O]' : command === 'users' ? ' [--team T]' : ''} [--models a,b] [--rpm N] [--tpm N] [--parallel N] [--budget USD [--period P]] | ${command} list | ${command} delete ID.`;
  }
  if (command === 'budgets') {
    if (action === 'set' && rest.length === 3) {
      const limit = Number(rest[2]);
      if (!Number.isFinite(limit) || limit < 0) return `budgets set: USD must be a number of dollars; got "${rest[2]}".`;
      return { method: 'POST', path: '/admin/budgets', body: { scope: rest[0], id: rest[1], limit_usd: limit, ...(values.period === undefined ? {} : { period: values.period }) } };
    }
    if (action === 'get' && rest.length === 2) return { method: 'GET', path: `/admin/budgets${query({ scope: rest[0], id: rest[1] })}` };
    if (action === 'list' && rest.length === 0) return { method: 'GET', path: '/admin/budgets' };
    return 'Use: budgets set SCOPE ID USD [--period P] | budgets get SCOPE ID | budgets list.';
  }
  if (command === 'requests') {
    return { method: 'GET', path: `/admin/requests${query({ from: values.from, to: values.to, team_id: values.team, key_id: values.key, tag: values.tag, errors: values.errors === true ? 'true' : undefined, limit: values.limit })}` };
  }
  if (command === 'spend') {
    return { method: 'GET', path: `/admin/spend${query({ group_by: values.by, from: values.from, to: values.to, team_id: values.team, key_id: values.key, tag: values.tag, format: values.csv === true ? 'csv' : undefined })}` };
  }
  return { method: 'GET', path: `/admin/audit${query({ limit: values.limit })}` };
}

/**
 * Runs an admin command against a running gateway's admin API and prints the answer (JSON, or CSV
 * for `spend --csv`). The master key is read from `$TOLLGATE_MASTER_KEY`, never from the command line
 * (where shell history and `ps` would keep it). Returns the exit code.
 */
export async function runAdmin(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let call: AdminCall | string;
  let url: string;
  try {
    call = toCall(command, args);
    url = (parseArgs({ args, options, allowPositionals: true, strict: true }).values.url ?? env.TOLLGATE_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  if (typeof call === 'string') {
    process.stderr.write(`${call}\n`);
    return 1;
  }
  const masterKey = env.TOLLGATE_MASTER_KEY;
  if (masterKey === undefined || masterKey === '') {
    process.stderr.write('Set TOLLGATE_MASTER_KEY to the gateway\'s master key.\n');
    return 1;
  }
  let response: Response;
  try {
    response = await fetch(`${url}${call.path}`, {
      method: call.method,
      headers: { authorization: `Bearer ${masterKey}`, ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
  } catch (error) {
    process.stderr.write(`Cannot reach the gateway at ${url}: ${(error as Error).message}. Set --url or TOLLGATE_URL.\n`);
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      // not JSON: print it as is
    }
    process.stderr.write(`${response.status}: ${message}\n`);
    return 1;
  }
  process.stdout.write(response.headers.get('content-type')?.startsWith('text/csv') ? text : `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  return 0;
}
