import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AuditLog,
  BudgetStore,
  budgetPeriodSchema,
  Clock,
  Directory,
  directoryParent,
  SpendReports,
  GatewayError,
  generateVirtualKey,
  KeyStore,
  keyTagsSchema,
  Ledger,
  roundMs,
  systemClock,
  TargetCircuits,
  TargetQuotaUsage,
  z,
  type DirectoryEntry,
  type DirectoryKind,
  type RequestRecord,
  type SpendRow,
  type VirtualKeyRecord,
} from '@tollgate/core';
import { budgetView } from './budget-view.js';
import { ownerView } from './owner-view.js';
import type { RouteHandler } from './gateway-routes.js';
import type { HttpDependencies } from './http-dependencies.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send-json.js';
import { startRequest } from './start-request.js';

const modelList = z.array(z.string().min(1)).nullable();
const metadata = z.record(z.string(), z.string());
const isoTime = z.iso.datetime({ offset: true }).transform((text) => Date.parse(text));

const limit = z.number().int().positive();

/** Milliseconds per unit of a key's `duration` (LiteLLM's `"30s"`, `"30m"`, `"30h"`, `"30d"`). */
const durationUnits = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A key's lifetime from its creation or update, as LiteLLM's `/key/generate` takes it: a whole number of seconds, minutes, hours or days. */
const duration = z
  .string()
  .regex(/^[1-9]\d{0,5}[smhd]$/, 'a duration is a whole number and a unit: 30s, 30m, 30h or 30d')
  .transform((text) => Number(text.slice(0, -1)) * durationUnits[text.at(-1) as keyof typeof durationUnits]);

/** The key's own rate limits from the LiteLLM-named fields; undefined when none is given. */
function limitsOf(body: { rpm_limit?: number | null; tpm_limit?: number | null; max_parallel_requests?: number | null }) {
  const limits = {
    ...(body.rpm_limit == null ? {} : { rpm: body.rpm_limit }),
    ...(body.tpm_limit == null ? {} : { tpm: body.tpm_limit }),
    ...(body.max_parallel_requests == null ? {} : { parallel: body.max_parallel_requests }),
  };
  return Object.keys(limits).length === 0 ? undefined : limits;
}

/** A hard budget given with a key or a directory entry (as `POST /admin/budgets` sets it on the same subject). */
const ownBudget = z.strictObject({ limit_usd: z.number().min(0).max(1e9), period: budgetPeriodSchema.default('monthly') });

const createKeySchema = z.strictObject({
  alias: z.string().min(1).max(200),
  team_id: z.string().min(1).optional(),
  user_id: z.string().min(1).optional(),
  org_id: z.string().min(1).optional(),
  models: modelList.optional(),
  expires_at: isoTime.optional(),
  /** In place of `expires_at`: how long the key lives (`30d`). */
  duration: duration.optional(),
  metadata: metadata.default({}),
  tags: keyTagsSchema.optional(),
  rpm_limit: limit.optional(),
  tpm_limit: limit.optional(),
  max_parallel_requests: limit.optional(),
  budget: ownBudget.optional(),
});

const updateKeySchema = z.strictObject({
  id: z.string().min(1),
  alias: z.string().min(1).max(200).optional(),
  models: modelList.optional(),
  expires_at: isoTime.nullable().optional(),
  /** In place of `expires_at`: how long the key lives from now (`30d`). */
  duration: duration.optional(),
  status: z.enum(['active', 'suspended', 'revoked']).optional(),
  metadata: metadata.optional(),
  tags: keyTagsSchema.nullable().optional(),
  rpm_limit: limit.nullable().optional(),
  tpm_limit: limit.nullable().optional(),
  max_parallel_requests: limit.nullable().optional(),
  /** Sets the key's budget (spend so far kept); null removes it. */
  budget: ownBudget.nullable().optional(),
});

const subjectSchema = z.strictObject({ scope: z.enum(['key', 'user', 'team', 'org', 'end_user', 'tag', 'model']), id: z.string().min(1) });
const setBudgetSchema = subjectSchema.extend({
  limit_usd: z.number().min(0).max(1e9),
  period: budgetPeriodSchema.default('monthly'),
});

/** A key as the admin API shows it: never the key or its hash. */
function keyView(record: VirtualKeyRecord) {
  return {
    id: record.id,
    alias: record.alias,
    hint: record.hint,
    status: record.status,
    ...ownerView(record),
    models: record.models ?? null,
    expires_at: record.expiresAt === undefined ? null : new Date(record.expiresAt).toISOString(),
    metadata: record.metadata,
    tags: record.tags ?? [],
    rpm_limit: record.limits?.rpm ?? null,
    tpm_limit: record.limits?.tpm ?? null,
    max_parallel_requests: record.limits?.parallel ?? null,
    created_at: new Date(record.createdAt).toISOString(),
  };
}

/** The parent field of each directory kind in the admin API (`org_id` of a team, `team_id` of a user). */
const parentField: Readonly<Record<DirectoryKind, 'org_id' | 'team_id' | undefined>> = { org: undefined, team: 'org_id', user: 'team_id' };

function entryView(entry: DirectoryEntry) {
  const field = parentField[entry.kind];
  return {
    id: entry.id,
    name: entry.name,
    ...(field === undefined ? {} : { [field]: entry.parentId ?? null }),
    metadata: entry.metadata,
    models: entry.models ?? null,
    rpm_limit: entry.limits?.rpm ?? null,
    tpm_limit: entry.limits?.tpm ?? null,
    max_parallel_requests: entry.limits?.parallel ?? null,
    created_at: new Date(entry.createdAt).toISOString(),
  };
}

/** An ISO date (`2026-12-01`, UTC midnight) or date-time, as epoch milliseconds. */
const isoDateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((text) => Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text));

const spendQuerySchema = z.strictObject({
  group_by: z.enum(['key', 'user', 'team', 'org', 'end_user', 'model', 'provider', 'service_tier', 'day', 'tag']).default('day'),
  from: isoDateOrTime.optional(),
  to: isoDateOrTime.optional(),
  team_id: z.string().min(1).optional(),
  key_id: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

const requestsQuerySchema = z.strictObject({
  from: isoDateOrTime.optional(),
  to: isoDateOrTime.optional(),
  team_id: z.string().min(1).optional(),
  key_id: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  errors: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** A recorded request as the admin API shows it: ids and figures, never a key or a body. */
function requestView(record: RequestRecord) {
  return {
    request_id: record.requestId,
    started_at: new Date(record.startedAt).toISOString(),
    operation: record.operation,
    key_id: record.keyId,
    team_id: record.teamId,
    end_user: record.endUser,
    model: record.model,
    provider: record.provider,
    upstream_model: record.upstreamModel,
    response_id: record.responseId,
    status: record.status,
    error_code: record.errorCode,
    stream: record.stream,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cost_usd: record.costMicros === null ? null : record.costMicros / 1_000_000,
    latency_ms: record.latencyMs,
    finish_reason: record.finishReason,
    service_tier: record.serviceTier,
    tags: record.tags,
    guardrails: record.guardrails,
    usage_source: record.usageSource,
  };
}

function spendView(row: SpendRow) {
  return {
    group: row.group,
    requests: row.requests,
    errors: row.errors,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    cost_usd: row.costMicros / 1_000_000,
    unknown_cost_requests: row.unknownCostRequests,
    web_searches: row.webSearches,
  };
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Parses with a schema; a mismatch is a 400 naming the field. */
function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.join('.');
  throw new GatewayError('TOLLGATE_INVALID_REQUEST', `${param === '' ? 'The body' : `"${param}"`}: ${issue.message}.`, param === '' ? {} : { param });
}

function query(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(new URL(req.url ?? '/', 'http://admin').searchParams);
}

/**
 * The admin API under `/admin` (master key only), present when a store plugin provides keys and
 * budgets: create, list, update and revoke virtual keys; set, read and remove budgets; spend reports
 * (JSON or CSV) and the audit log of every change made here. A created key is returned once, in the
 * response to its creation; only its hash is stored.
 */
export function createAdminRoutes(dependencies: HttpDependencies): Map<string, ReadonlyMap<string, RouteHandler>> | undefined {
  const { gateway } = dependencies;
  const keys = gateway.resolve(KeyStore);
  const budgets = gateway.resolve(BudgetStore);
  if (keys === undefined || budgets === undefined) return undefined;
  const clock = gateway.resolve(Clock) ?? systemClock;
  const audit = gateway.resolve(AuditLog);
  const directory = gateway.resolve(Directory);
  const reports = gateway.resolve(SpendReports);
  // Reports read what the ledger has written: the requests finished so far are recorded and its buffered rows (a batch every `flushIntervalMs`) written first, so a request just answered is in them.
  const ledger = gateway.resolve(Ledger);
  const circuits = gateway.resolve(TargetCircuits);
  const quotas = gateway.resolve(TargetQuotaUsage);

  /** What an admin operation answers, and the audit entry of the change it made (if any). */
  interface AdminResult {
    readonly status?: number;
    readonly body: unknown;
    /** Sent as is with this content type (CSV), instead of JSON. */
    readonly contentType?: string;
    readonly change?: { readonly action: string; readonly subject: string; readonly details: Record<string, unknown> };
  }

  /**
   * Wraps an admin operation: master key, JSON body for POST, errors in OpenAI's shape, the change in
   * the audit log (before answering, so an answered change is always audited), one log line.
   */
  const admin = (operation: (input: unknown, req: IncomingMessage) => Promise<AdminResult>): RouteHandler =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const ingress = startRequest(req, res, dependencies);
      if (ingress === undefined) return;
      try {
        const context = ingress.createContext('chat', { value: { model: '', messages: [] }, raw: undefined });
        const principal = await gateway.engine.authenticate(context);
        if (!principal.isMaster) throw new GatewayError('TOLLGATE_ADMIN_ONLY', `Key "${principal.keyName}" may not use the admin API; it takes the master key.`);
        const input = req.method === 'POST' ? (await readJsonBody(req, dependencies.bodyLimit)).value : query(req);
        const result = await operation(input, req);
        if (result.change !== undefined) await audit?.record({ at: clock.now(), actor: principal.keyName, ...result.change });
        if (result.contentType === undefined) sendJson(res, result.status ?? 200, result.body);
        else {
          res.writeHead(result.status ?? 200, { 'content-type': result.contentType, 'content-length': Buffer.byteLength(result.body as string) });
          res.end(result.body);
        }
        if (dependencies.logRequests) dependencies.logger.info({ requestId: ingress.requestId, status: result.status ?? 200, path: req.url, method: req.method, durationMs: roundMs(performance.now() - ingress.receivedAt) }, 'admin request');
      } catch (error) {
        ingress.fail(error, undefined);
      }
    };

  const notFound = (what: string) => new GatewayError('TOLLGATE_NOT_FOUND', `No ${what}.`);

  /** When a key expires: its `expires_at`, or now plus its `duration` (not both); null or undefined for never. */
  const expiryOf = (body: { expires_at?: number | null; duration?: number }) => {
    if (body.duration === undefined) return body.expires_at;
    if (body.expires_at !== undefined) throw new GatewayError('TOLLGATE_INVALID_REQUEST', 'Give `expires_at` or `duration`, not both.', { param: 'duration' });
    return clock.now() + body.duration;
  };

  /**
   * Sets (or, for null, removes) the budget given with a key or a directory entry; its view for the
   * answer, null once removed, undefined when none was given.
   */
  const putOwnBudget = async (subject: { scope: 'key' | DirectoryKind; id: string }, budget: z.output<typeof ownBudget> | null | undefined) => {
    if (budget === undefined) return undefined;
    if (budget === null) {
      await budgets.removeBudget(subject);
      return null;
    }
    return budgetView(await budgets.setBudget(subject, Math.round(budget.limit_usd * 1_000_000), budget.period, clock.now()));
  };

  /** `POST /admin/<kind>s` (create or update), `GET /admin/<kind>s`, `POST /admin/<kind>s/delete`. */
  function directoryRoutes(kind: DirectoryKind, store: Directory): [string, ReadonlyMap<string, RouteHandler>][] {
    const field = parentField[kind];
    const parent = directoryParent[kind];
    const putSchema = z.strictObject({
      id: z.string().min(1).max(200),
      name: z.string().min(1).max(200).optional(),
      ...(field === undefined ? {} : { [field]: z.string().min(1).optional() }),
      metadata: metadata.default({}),
      // What every key under the entry may do, counted together: kept when left out, cleared by null.
      models: modelList.optional(),
      rpm_limit: limit.nullable().optional(),
      tpm_limit: limit.nullable().optional(),
      max_parallel_requests: limit.nullable().optional(),
      /** The entry's hard budget, as `POST /admin/budgets` sets it; null removes it. */
      budget: ownBudget.nullable().optional(),
    });
    return [
      [
        `/admin/${kind}s`,
        new Map([
          ['POST', admin(async (input) => {
            const body = parse(putSchema, input) as { id: string; name?: string; metadata: Record<string, string>; models?: string[] | null; rpm_limit?: number | null; tpm_limit?: number | null; max_parallel_requests?: number | null; budget?: z.output<typeof ownBudget> | null } & Record<string, unknown>;
            const parentId = field === undefined ? undefined : (body[field] as string | undefined);
            if (parent !== undefined && parentId !== undefined && (await store.getEntry(parent, parentId)) === undefined) {
              throw new GatewayError('TOLLGATE_INVALID_REQUEST', `No ${parent} "${parentId}"; create it first (POST /admin/${parent}s).`, { param: field! });
            }
            const existing = await store.getEntry(kind, body.id);
            // The limit fields, given together, replace the entry's limits; all null clears them.
            const limitsGiven = body.rpm_limit !== undefined || body.tpm_limit !== undefined || body.max_parallel_requests !== undefined;
            const limits = limitsGiven ? limitsOf(body) : existing?.limits;
            const models = body.models === undefined ? existing?.models : (body.models ?? undefined);
            const entry = await store.putEntry({
              kind,
              id: body.id,
              name: body.name ?? existing?.name ?? body.id,
              parentId,
              metadata: body.metadata,
              ...(limits === undefined ? {} : { limits }),
              ...(models === undefined ? {} : { models }),
              createdAt: existing?.createdAt ?? clock.now(),
            });
            const budget = await putOwnBudget({ scope: kind, id: body.id }, body.budget);
            const view = { ...entryView(entry), ...(budget === undefined ? {} : { budget }) };
            return { status: existing === undefined ? 201 : 200, body: view, change: { action: `${kind}.${existing === undefined ? 'create' : 'update'}`, subject: body.id, details: view } };
          })],
          ['GET', admin(async (input) => {
            const query = parse(z.strictObject(field === undefined ? {} : { [field]: z.string().min(1).optional() }), input) as Record<string, string | undefined>;
            const entries = await store.listEntries(kind, field === undefined ? undefined : query[field]);
            return { body: { object: 'list', data: entries.map(entryView) } };
          })],
        ]),
      ],
      [
        `/admin/${kind}s/delete`,
        new Map([['POST', admin(async (input) => {
          const { id } = parse(z.strictObject({ id: z.string().min(1) }), input);
          if (!(await store.removeEntry(kind, id))) throw notFound(`${kind} "${id}"`);
          return { body: { deleted: true, id }, change: { action: `${kind}.delete`, subject: id, details: {} } };
        })]]),
      ],
    ];
  }

  return new Map<string, ReadonlyMap<string, RouteHandler>>([
    [
      '/admin/keys',
      new Map([
        ['POST', admin(async (input) => {
          const body = parse(createKeySchema, input);
          // A key under a user inherits the user's team, and a team its org, when the directory knows them.
          const teamId = body.team_id ?? (body.user_id === undefined ? undefined : (await directory?.getEntry('user', body.user_id))?.parentId);
          const orgId = body.org_id ?? (teamId === undefined ? undefined : (await directory?.getEntry('team', teamId))?.parentId);
          const generated = generateVirtualKey();
          const record: VirtualKeyRecord = {
            id: generated.id,
            hash: generated.hash,
            hint: generated.hint,
            alias: body.alias,
            orgId,
            teamId,
            userId: body.user_id,
            models: body.models ?? undefined,
            expiresAt: expiryOf(body) ?? undefined,
            status: 'active',
            metadata: body.metadata,
            ...(limitsOf(body) === undefined ? {} : { limits: limitsOf(body) }),
            ...(body.tags === undefined || body.tags.length === 0 ? {} : { tags: [...new Set(body.tags)] }),
            createdAt: clock.now(),
          };
          // The budget first: the key never answers a request without it.
          const budget = await putOwnBudget({ scope: 'key', id: record.id }, body.budget);
          await keys.createKey(record);
          const view = { ...keyView(record), ...(budget === undefined ? {} : { budget }) };
          return { status: 201, body: { ...view, key: generated.key }, change: { action: 'key.create', subject: record.id, details: view } };
        })],
        ['GET', admin(async (input) => {
          const { team_id: teamId } = input as { team_id?: string };
          const list = await keys.listKeys(teamId === undefined ? {} : { teamId });
          return { body: { object: 'list', data: list.map(keyView) } };
        })],
      ]),
    ],
    [
      '/admin/keys/update',
      new Map([['POST', admin(async (input) => {
        const body = parse(updateKeySchema, input);
        const updated = await keys.updateKey(body.id, {
          ...(body.alias === undefined ? {} : { alias: body.alias }),
          ...(body.models === undefined ? {} : { models: body.models }),
          ...(body.expires_at === undefined && body.duration === undefined ? {} : { expiresAt: expiryOf(body) ?? null }),
          ...(body.status === undefined ? {} : { status: body.status }),
          ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
          ...(body.tags === undefined ? {} : { tags: body.tags === null ? null : [...new Set(body.tags)] }),
          // The limit fields, given together, replace the key's own limits; all null: the config's rules.
          ...(body.rpm_limit === undefined && body.tpm_limit === undefined && body.max_parallel_requests === undefined ? {} : { limits: limitsOf(body) ?? null }),
        });
        if (updated === undefined) throw notFound(`key with id "${body.id}"`);
        const budget = await putOwnBudget({ scope: 'key', id: body.id }, body.budget);
        const { id: _id, ...changes } = body;
        return { body: { ...keyView(updated), ...(budget === undefined ? {} : { budget }) }, change: { action: 'key.update', subject: body.id, details: changes } };
      })]]),
    ],
    [
      '/admin/keys/revoke',
      new Map([['POST', admin(async (input) => {
        const { id } = parse(z.strictObject({ id: z.string().min(1) }), input);
        const updated = await keys.updateKey(id, { status: 'revoked' });
        if (updated === undefined) throw notFound(`key with id "${id}"`);
        return { body: keyView(updated), change: { action: 'key.revoke', subject: id, details: {} } };
      })]]),
    ],
    [
      '/admin/keys/rotate',
      new Map([['POST', admin(async (input) => {
        const { id } = parse(z.strictObject({ id: z.string().min(1) }), input);
        const generated = generateVirtualKey();
        const rotated = await keys.rotateKey(id, generated.hash, generated.hint);
        if (rotated === undefined) throw notFound(`active or suspended key with id "${id}"`);
        const view = keyView(rotated);
        return { body: { ...view, key: generated.key }, change: { action: 'key.rotate', subject: id, details: { hint: view.hint } } };
      })]]),
    ],
    [
      '/admin/budgets',
      new Map([
        ['POST', admin(async (input) => {
          const body = parse(setBudgetSchema, input);
          const budget = await budgets.setBudget({ scope: body.scope, id: body.id }, Math.round(body.limit_usd * 1_000_000), body.period, clock.now());
          return { body: budgetView(budget), change: { action: 'budget.set', subject: `${body.scope}:${body.id}`, details: { limit_usd: body.limit_usd, period: body.period } } };
        })],
        ['GET', admin(async (input) => {
          // Without a subject: every budget, by scope then id.
          if (Object.keys(input as object).length === 0) {
            if (budgets.listBudgets === undefined) throw notFound('budget listing: the store plugin provides none');
            const all = await budgets.listBudgets(clock.now());
            all.sort((a, b) => (a.scope === b.scope ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.scope < b.scope ? -1 : 1));
            return { body: { object: 'list', data: all.map(budgetView) } };
          }
          const subject = parse(subjectSchema, input);
          const [budget] = await budgets.getBudgets([subject], clock.now());
          if (budget === undefined) throw notFound(`budget on ${subject.scope} "${subject.id}"`);
          return { body: budgetView(budget) };
        })],
      ]),
    ],
    [
      '/admin/budgets/delete',
      new Map([['POST', admin(async (input) => {
        const subject = parse(subjectSchema, input);
        if (!(await budgets.removeBudget(subject))) throw notFound(`budget on ${subject.scope} "${subject.id}"`);
        return { body: { deleted: true, scope: subject.scope, id: subject.id }, change: { action: 'budget.delete', subject: `${subject.scope}:${subject.id}`, details: {} } };
      })]]),
    ],
    ...(directory === undefined ? [] : (['org', 'team', 'user'] as const).flatMap((kind) => directoryRoutes(kind, directory))),
    [
      '/admin/requests',
      new Map([['GET', admin(async (input) => {
        if (reports?.requests === undefined) throw notFound('request listings: the store plugin provides none');
        const query = parse(requestsQuerySchema, input);
        await gateway.engine.settled();
        await ledger?.flush();
        const now = clock.now();
        const records = await reports.requests({
          from: query.from ?? now - 86_400_000,
          to: query.to ?? now + 1,
          limit: query.limit,
          ...(query.team_id === undefined ? {} : { teamId: query.team_id }),
          ...(query.key_id === undefined ? {} : { keyId: query.key_id }),
          ...(query.tag === undefined ? {} : { tag: query.tag }),
          ...(query.errors === 'true' ? { errorsOnly: true } : {}),
        });
        return { body: { object: 'list', data: records.map(requestView) } };
      })]]),
    ],
    [
      '/admin/spend',
      new Map([['GET', admin(async (input) => {
        if (reports === undefined) throw notFound('spend reports: the store plugin provides none');
        const query = parse(spendQuerySchema, input);
        await gateway.engine.settled();
        await ledger?.flush();
        const now = clock.now();
        const from = query.from ?? Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
        const to = query.to ?? now + 1;
        const filters = { from, to, ...(query.team_id === undefined ? {} : { teamId: query.team_id }), ...(query.key_id === undefined ? {} : { keyId: query.key_id }), ...(query.tag === undefined ? {} : { tag: query.tag }) };
        const rows = (await reports.spend({ groupBy: query.group_by, ...filters })).map(spendView);
        if (query.format === 'csv') {
          const columns = ['group', 'requests', 'errors', 'prompt_tokens', 'completion_tokens', 'cost_usd', 'unknown_cost_requests', 'web_searches'] as const;
          const lines = [columns.join(','), ...rows.map((row) => columns.map((column) => csvField(row[column])).join(','))];
          return { body: `${lines.join('\r\n')}\r\n`, contentType: 'text/csv; charset=utf-8' };
        }
        // By tag, a request with several tags is in several groups: the total comes from the requests themselves.
        const totalRows = query.group_by === 'tag' ? (await reports.spend({ groupBy: 'day', ...filters })).map(spendView) : rows;
        const totalMicros = totalRows.reduce((sum, row) => sum + Math.round(row.cost_usd * 1_000_000), 0);
        return { body: { object: 'list', group_by: query.group_by, from: new Date(from).toISOString(), to: new Date(to).toISOString(), total_cost_usd: totalMicros / 1_000_000, data: rows } };
      })]]),
    ],
    [
      '/admin/audit',
      new Map([['GET', admin(async (input) => {
        if (audit === undefined) throw notFound('audit log: the store plugin provides none');
        const { limit } = parse(z.strictObject({ limit: z.coerce.number().int().min(1).max(1_000).default(100) }), input);
        const entries = await audit.list(limit);
        return { body: { object: 'list', data: entries.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })) } };
      })]]),
    ],
    [
      // The targets the circuit breakers skip now (every other target is healthy): what to look at first in an incident.
      '/admin/circuits',
      new Map([['GET', admin(async () => {
        const cooling = circuits?.coolingTargets() ?? [];
        return { body: { object: 'list', data: cooling.map((target) => ({ target: target.target, provider: target.provider, state: target.state, reopens_at: new Date(target.reopensAt).toISOString() })) } };
      })]]),
    ],
    [
      // The targets with a quota (a deployment's RPM and TPM) and what the last minute used of it: why requests went to the next target.
      '/admin/quotas',
      new Map([['GET', admin(async () => {
        const used = quotas?.quotaUsage() ?? [];
        return { body: { object: 'list', data: used.map((use) => ({ target: use.target, provider: use.provider, rpm: use.rpm ?? null, requests_last_minute: use.requests, tpm: use.tpm ?? null, tokens_last_minute: use.tokens, at_quota: (use.rpm !== undefined && use.requests >= use.rpm) || (use.tpm !== undefined && use.tokens >= use.tpm) })) } };
      })]]),
    ],
  ]);
}
