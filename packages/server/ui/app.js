// Tollgate's admin pages: spend, virtual keys, budgets, orgs/teams/users and the latest requests, read and changed
// through the admin API with the master key (kept in this tab's session storage). No framework and no
// build step; every value from the API is set as text, never as HTML.
(() => {
  'use strict';

  const storageKey = 'tollgate.adminKey';
  let masterKey = sessionStorage.getItem(storageKey);
  let view = 'spend';

  const byId = (id) => document.getElementById(id);
  /** A form's control by name (`form.id` would be the form's own id attribute). */
  const field = (form, name) => form.elements.namedItem(name);

  /** An element with attributes and children (strings become text nodes). */
  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child ?? ''));
    return node;
  }

  /** The admin API's base, relative to this page (`…/admin/ui/`), so the pages work where the router is mounted (`/llm/admin/ui/`). */
  const adminBase = new URL('../', document.baseURI);

  /** Calls the admin API (`path` relative to `/admin/`); an error answer throws its message. */
  async function api(path, body) {
    const response = await fetch(new URL(path, adminBase), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${masterKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const failure = new Error(answer.error?.message ?? `The gateway answered ${response.status}.`);
      failure.status = response.status;
      throw failure;
    }
    return answer;
  }

  const usd = (value) => (value === null || value === undefined ? '—' : `$${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 6 : 2)}`);
  const count = (value) => (value === null || value === undefined ? '—' : value.toLocaleString('en-US'));
  const list = (values) => (values === null || values === undefined || values.length === 0 ? '—' : values.join(', '));
  const time = (iso) => (iso === null || iso === undefined ? '—' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
  const splitList = (text) => text.split(',').map((item) => item.trim()).filter((item) => item !== '');

  /** A table of `rows`; each column is `[heading, value of a row, 'number'?]`. */
  function table(columns, rows) {
    if (rows.length === 0) return element('p', { class: 'empty' }, 'Nothing yet.');
    return element(
      'table',
      {},
      element('thead', {}, element('tr', {}, ...columns.map(([heading, , kind]) => element('th', { class: kind }, heading)))),
      element('tbody', {}, ...rows.map((row) => element('tr', {}, ...columns.map(([, value, kind]) => element('td', { class: kind }, value(row)))))),
    );
  }

  function showError(error) {
    const box = byId('error');
    box.textContent = error instanceof Error ? error.message : String(error);
    box.hidden = false;
    if (error.status === 401 || error.status === 403) signOut(false);
  }

  /** Each virtual key's alias by id, to name the keys the ledger records by id. */
  async function keyAliases() {
    const keys = await api('keys');
    return new Map(keys.data.map((key) => [key.id, key.alias]));
  }

  /** A key by its alias where it has one (its id on hover), else its id (a config key's `config:<name>`, `master`). */
  function keyName(aliases, id) {
    if (id === null || id === undefined) return '—';
    const alias = aliases.get(id);
    return alias === undefined || alias === null ? id : element('span', { title: id }, alias);
  }

  async function showSpend() {
    const form = byId('spend-query');
    const query = new URLSearchParams({ group_by: field(form, 'group_by').value });
    if (field(form, 'from').value !== '') query.set('from', field(form, 'from').value);
    if (field(form, 'to').value !== '') query.set('to', field(form, 'to').value);
    const [report, aliases] = await Promise.all([api(`spend?${query}`), query.get('group_by') === 'key' ? keyAliases() : new Map()]);
    byId('spend-total').textContent = usd(report.total_cost_usd);
    const dearest = Math.max(0, ...report.data.map((row) => row.cost_usd));
    byId('spend-table').replaceChildren(
      table(
        [
          [field(form, 'group_by').selectedOptions[0].textContent, (row) => (row.group === null ? '(none)' : keyName(aliases, row.group))],
          ['requests', (row) => count(row.requests), 'number'],
          ['errors', (row) => count(row.errors), 'number'],
          ['input tokens', (row) => count(row.prompt_tokens), 'number'],
          ['output tokens', (row) => count(row.completion_tokens), 'number'],
          ['cost', (row) => usd(row.cost_usd), 'number'],
          ['', (row) => element('meter', { min: 0, max: dearest || 1, value: row.cost_usd, title: usd(row.cost_usd) })],
          ['unknown cost', (row) => count(row.unknown_cost_requests), 'number'],
        ],
        report.data,
      ),
    );
  }

  async function showKeys() {
    const keys = await api('keys');
    byId('keys-table').replaceChildren(
      table(
        [
          ['alias', (key) => key.alias ?? '—'],
          ['id', (key) => key.id],
          ['key', (key) => key.hint],
          ['team', (key) => key.team_id ?? '—'],
          ['models', (key) => (key.models === null ? 'all' : list(key.models))],
          ['tags', (key) => list(key.tags)],
          ['limits', (key) => limitsText(key)],
          ['status', (key) => key.status],
          ['created', (key) => time(key.created_at)],
          ['', (key) => (key.status === 'revoked' ? '' : keyActions(key))],
        ],
        keys.data,
      ),
    );
  }

  /** A key's (or an entry's) own rate limits in a few words: `60/min, 4 at once`; `—` for none. */
  function limitsText(record) {
    const parts = [];
    if (record.rpm_limit !== null && record.rpm_limit !== undefined) parts.push(`${count(record.rpm_limit)}/min`);
    if (record.tpm_limit !== null && record.tpm_limit !== undefined) parts.push(`${count(record.tpm_limit)} tokens/min`);
    if (record.max_parallel_requests !== null && record.max_parallel_requests !== undefined) parts.push(`${count(record.max_parallel_requests)} at once`);
    return parts.length === 0 ? '—' : parts.join(', ');
  }

  /** A key's buttons: edit, rotate (the new key shown once), suspend or activate, revoke. */
  function keyActions(key) {
    const edit = element('button', { type: 'button', onclick: () => editKey(key).catch(showError) }, 'Edit');
    const rotate = confirmButton('Rotate', async () => showSecret(`New key of ${key.alias ?? key.id}`, (await api('keys/rotate', { id: key.id })).key));
    const status = key.status === 'suspended'
      ? confirmButton('Activate', () => api('keys/update', { id: key.id, status: 'active' }))
      : confirmButton('Suspend', () => api('keys/update', { id: key.id, status: 'suspended' }));
    return element('span', { class: 'actions' }, edit, rotate, status, confirmButton('Revoke', () => api('keys/revoke', { id: key.id })));
  }

  /** The budget of the key being edited when its form was filled (undefined: none), to tell a cleared budget from one never set. */
  let editedKeyBudget;

  /** Fills the edit form with what a key has now (its budget read too) and shows it. */
  async function editKey(key) {
    const form = byId('key-edit');
    const budget = await api(`budgets?scope=key&id=${encodeURIComponent(key.id)}`).catch((error) => {
      if (error.status === 404) return undefined;
      throw error;
    });
    editedKeyBudget = budget;
    byId('key-edit-label').textContent = `Edit ${key.alias ?? key.id}`;
    field(form, 'id').value = key.id;
    field(form, 'alias').value = key.alias ?? '';
    field(form, 'models').value = key.models === null ? '' : key.models.join(', ');
    field(form, 'tags').value = key.tags.join(', ');
    for (const name of limitFields) field(form, name).value = key[name] === null ? '' : String(key[name]);
    field(form, 'budget_usd').value = budget === undefined ? '' : String(budget.limit_usd);
    field(form, 'budget_period').value = budget === undefined ? 'monthly' : budget.period;
    form.hidden = false;
  }

  /** Shows a key's secret, once: the admin API never gives it again. */
  function showSecret(label, secret) {
    byId('key-created-label').textContent = label;
    byId('key-secret').textContent = secret;
    byId('key-created').hidden = false;
  }

  async function showAudit() {
    const entries = await api('audit?limit=200');
    byId('audit-table').replaceChildren(
      table(
        [
          ['time', (entry) => time(entry.at)],
          ['by', (entry) => entry.actor],
          ['action', (entry) => entry.action],
          ['subject', (entry) => entry.subject],
          ['details', (entry) => (Object.keys(entry.details ?? {}).length === 0 ? '—' : JSON.stringify(entry.details))],
        ],
        entries.data,
      ),
    );
  }

  async function showBudgets() {
    const budgets = await api('budgets');
    byId('budgets-table').replaceChildren(
      table(
        [
          ['scope', (budget) => budget.scope],
          ['id', (budget) => budget.id],
          ['period', (budget) => budget.period],
          ['limit', (budget) => usd(budget.limit_usd), 'number'],
          ['spent', (budget) => usd(budget.spent_usd), 'number'],
          ['held', (budget) => usd(budget.reserved_usd), 'number'],
          ['left', (budget) => usd(Math.max(0, budget.limit_usd - budget.spent_usd - budget.reserved_usd)), 'number'],
          ['', (budget) => element('meter', { min: 0, max: budget.limit_usd || 1, high: budget.limit_usd * 0.8, value: budget.spent_usd + budget.reserved_usd })],
          ['resets', (budget) => time(budget.resets_at)],
          ['', (budget) => confirmButton('Remove', () => api('budgets/delete', { scope: budget.scope, id: budget.id }))],
        ],
        budgets.data,
      ),
    );
  }

  /** The admin API's rate-limit fields of a key or a directory entry, given together. */
  const limitFields = ['rpm_limit', 'tpm_limit', 'max_parallel_requests'];

  /** The parent field of each directory kind in the admin API. */
  const parentFields = { org: undefined, team: 'org_id', user: 'team_id' };
  /** The entries last shown, by `kind:id`: an update sends back what the form leaves out (the API replaces parent and metadata). */
  let entries = new Map();

  /** An entry as the admin API takes it back: name, parent and metadata kept. */
  function entryBody(entry) {
    const parentField = parentFields[entry.kind];
    return { id: entry.id, name: entry.name, metadata: entry.metadata, ...(parentField === undefined || entry[parentField] === null ? {} : { [parentField]: entry[parentField] }) };
  }

  async function showDirectory() {
    const lists = await Promise.all(['org', 'team', 'user'].map(async (kind) => (await api(`${kind}s`)).data.map((entry) => ({ ...entry, kind }))));
    const all = lists.flat();
    entries = new Map(all.map((entry) => [`${entry.kind}:${entry.id}`, entry]));
    byId('directory-table').replaceChildren(
      table(
        [
          ['kind', (entry) => entry.kind],
          ['id', (entry) => entry.id],
          ['in', (entry) => entry.org_id ?? entry.team_id ?? '—'],
          ['models', (entry) => (entry.models === null ? 'all' : list(entry.models))],
          ['requests/min', (entry) => count(entry.rpm_limit), 'number'],
          ['tokens/min', (entry) => count(entry.tpm_limit), 'number'],
          ['at once', (entry) => count(entry.max_parallel_requests), 'number'],
          ['created', (entry) => time(entry.created_at)],
          ['', (entry) => element('span', { class: 'actions' },
            confirmButton('Lift limits', () => api(`${entry.kind}s`, { ...entryBody(entry), models: null, rpm_limit: null, tpm_limit: null, max_parallel_requests: null })),
            confirmButton('Remove', () => api(`${entry.kind}s/delete`, { id: entry.id })))],
        ],
        all,
      ),
    );
  }

  async function showCircuits() {
    const [circuits, quotas] = await Promise.all([api('circuits'), api('quotas')]);
    byId('circuits-table').replaceChildren(
      circuits.data.length === 0
        ? element('p', { class: 'empty' }, 'Every upstream is healthy.')
        : table(
            [
              ['target', (circuit) => circuit.target],
              ['provider', (circuit) => circuit.provider],
              ['state', (circuit) => circuit.state],
              ['reopens', (circuit) => time(circuit.reopens_at)],
            ],
            circuits.data,
          ),
    );
    /** `used of quota` (`12 of 480`), or the count alone without a quota. */
    const ofQuota = (used, quota) => (quota === null ? count(used) : `${count(used)} of ${count(quota)}`);
    byId('quotas-table').replaceChildren(
      table(
        [
          ['target', (use) => use.target],
          ['requests', (use) => ofQuota(use.requests_last_minute, use.rpm), 'number'],
          ['tokens', (use) => ofQuota(use.tokens_last_minute, use.tpm), 'number'],
          ['', (use) => (use.at_quota ? 'at quota: skipped' : '')],
        ],
        quotas.data,
      ),
    );
  }

  async function showRequests() {
    const form = byId('requests-query');
    const query = new URLSearchParams({ limit: '100' });
    if (field(form, 'errors').checked) query.set('errors', 'true');
    if (field(form, 'tag').value.trim() !== '') query.set('tag', field(form, 'tag').value.trim());
    const [requests, aliases] = await Promise.all([api(`requests?${query}`), keyAliases()]);
    byId('requests-table').replaceChildren(
      table(
        [
          ['time', (request) => time(request.started_at)],
          ['key', (request) => keyName(aliases, request.key_id)],
          ['model', (request) => request.model],
          ['provider', (request) => request.provider ?? '—'],
          ['status', (request) => (request.error_code === null ? String(request.status) : `${request.status} ${request.error_code}`)],
          ['input', (request) => count(request.prompt_tokens), 'number'],
          ['output', (request) => count(request.completion_tokens), 'number'],
          // `~` marks a cost estimated from a stream cut before its usage (the upstream's own count never came).
          ['cost', (request) => (request.usage_source === 'estimated' && request.cost_usd !== null ? element('span', { title: 'estimated: the stream was cut before its usage' }, `~${usd(request.cost_usd)}`) : usd(request.cost_usd)), 'number'],
          ['ms', (request) => count(Math.round(request.latency_ms)), 'number'],
          ['tags', (request) => list(request.tags)],
          ['request id', (request) => request.request_id],
        ],
        requests.data,
      ),
    );
  }

  const views = { spend: showSpend, keys: showKeys, budgets: showBudgets, directory: showDirectory, circuits: showCircuits, requests: showRequests, audit: showAudit };

  /** A button that asks once more before it acts, then shows the view again. */
  function confirmButton(label, act) {
    const button = element('button', { type: 'button' }, label);
    button.addEventListener('click', () => {
      if (button.dataset.armed !== 'true') {
        button.dataset.armed = 'true';
        button.textContent = `${label}? Click again`;
        return;
      }
      button.disabled = true;
      act().then(show, showError);
    });
    return button;
  }

  /** Shows the current view with fresh data. */
  function show() {
    byId('error').hidden = true;
    for (const name of Object.keys(views)) byId(name).hidden = name !== view;
    for (const tab of document.querySelectorAll('#tabs button')) tab.setAttribute('aria-pressed', String(tab.dataset.view === view));
    document.body.dataset.loading = 'true';
    return views[view]().catch(showError).finally(() => delete document.body.dataset.loading);
  }

  function signIn(key) {
    masterKey = key;
    sessionStorage.setItem(storageKey, key);
    byId('sign-in').hidden = true;
    byId('tabs').hidden = false;
    byId('sign-out').hidden = false;
    return show();
  }

  function signOut(clearError = true) {
    masterKey = null;
    sessionStorage.removeItem(storageKey);
    byId('sign-in').hidden = false;
    byId('tabs').hidden = true;
    byId('sign-out').hidden = true;
    for (const name of Object.keys(views)) byId(name).hidden = true;
    if (clearError) byId('error').hidden = true;
  }

  byId('sign-in').addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(field(event.target, 'key').value.trim());
    event.target.reset();
  });
  byId('sign-out').addEventListener('click', () => signOut());
  for (const tab of document.querySelectorAll('#tabs button')) {
    tab.addEventListener('click', () => {
      view = tab.dataset.view;
      void show();
    });
  }
  for (const id of ['spend-query', 'requests-query']) {
    byId(id).addEventListener('submit', (event) => {
      event.preventDefault();
      void show();
    });
  }
  /** A form that changes something: `send` calls the API with its fields; then the form is cleared and the view shown again. */
  function onSubmit(formId, send) {
    byId(formId).addEventListener('submit', (event) => {
      event.preventDefault();
      const form = event.target;
      send(form).then(() => {
        form.reset();
        return show();
      }, showError);
    });
  }

  /** The budget of a key or entry form (`budget_usd`, `budget_period`) as the API's `budget`; undefined when left empty. */
  function budgetOf(form) {
    const usd = field(form, 'budget_usd').value;
    return usd === '' ? undefined : { limit_usd: Number(usd), period: field(form, 'budget_period').value };
  }

  onSubmit('key-create', (form) => {
    const body = { alias: field(form, 'alias').value.trim() };
    if (field(form, 'team_id').value.trim() !== '') body.team_id = field(form, 'team_id').value.trim();
    if (splitList(field(form, 'models').value).length > 0) body.models = splitList(field(form, 'models').value);
    if (splitList(field(form, 'tags').value).length > 0) body.tags = splitList(field(form, 'tags').value);
    for (const name of limitFields) if (field(form, name).value !== '') body[name] = Number(field(form, name).value);
    const budget = budgetOf(form);
    if (budget !== undefined) body.budget = budget;
    return api('keys', body).then((created) => showSecret(`New key ${created.alias}`, created.key));
  });
  // The edit form says what the key has: an empty field means none (all models, no tags, no limit of its own, no budget).
  onSubmit('key-edit', (form) => {
    const models = splitList(field(form, 'models').value);
    const tags = splitList(field(form, 'tags').value);
    const body = { id: field(form, 'id').value, alias: field(form, 'alias').value.trim(), models: models.length === 0 ? null : models, tags: tags.length === 0 ? null : tags };
    for (const name of limitFields) body[name] = field(form, name).value === '' ? null : Number(field(form, name).value);
    const budget = budgetOf(form);
    const unchanged = budget !== undefined && editedKeyBudget !== undefined && budget.limit_usd === editedKeyBudget.limit_usd && budget.period === editedKeyBudget.period;
    if (budget !== undefined && !unchanged) body.budget = budget;
    else if (budget === undefined && editedKeyBudget !== undefined) body.budget = null;
    return api('keys/update', body).then(() => {
      form.hidden = true;
    });
  });
  byId('key-edit-cancel').addEventListener('click', () => {
    byId('key-edit').reset();
    byId('key-edit').hidden = true;
  });
  onSubmit('budget-set', (form) =>
    api('budgets', { scope: field(form, 'scope').value, id: field(form, 'id').value.trim(), limit_usd: Number(field(form, 'limit_usd').value), period: field(form, 'period').value }));

  onSubmit('entry-put', (form) => {
    const kind = field(form, 'kind').value;
    const id = field(form, 'id').value.trim();
    const existing = entries.get(`${kind}:${id}`);
    const body = existing === undefined ? { id } : entryBody(existing);
    const parent = field(form, 'parent').value.trim();
    if (parent !== '' && parentFields[kind] !== undefined) body[parentFields[kind]] = parent;
    if (splitList(field(form, 'models').value).length > 0) body.models = splitList(field(form, 'models').value);
    // The three limits go together (the API replaces them as one): a limit left empty is kept as it was.
    if (limitFields.some((name) => field(form, name).value !== '')) {
      for (const name of limitFields) body[name] = field(form, name).value === '' ? existing?.[name] ?? null : Number(field(form, name).value);
    }
    const budget = budgetOf(form);
    if (budget !== undefined) body.budget = budget;
    return api(`${kind}s`, body);
  });

  if (masterKey !== null) void signIn(masterKey);
})();
