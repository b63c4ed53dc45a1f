// Renders the configuration reference from the config's JSON Schema (itself generated from the zod
// schema the gateway validates with), so the docs cannot drift. `pnpm docs:config` writes
// docs/config-reference.md and docs/tollgate.config.schema.json; test/config-reference.test.ts checks
// that the committed files are current.

/** Resolves a `$ref` into the schema's definitions. */
function resolve(root, node) {
  if (node?.$ref === undefined) return node;
  const name = node.$ref.replace(/^#\/(\$defs|definitions)\//, '');
  return { ...(root.$defs ?? root.definitions)[name], ...(node.description ? { description: node.description } : {}), ...('default' in node ? { default: node.default } : {}) };
}

function typeOf(root, raw) {
  const node = resolve(root, raw);
  if (node.anyOf) return node.anyOf.map((option) => typeOf(root, option)).join(' \\| ');
  if ('const' in node) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  if (node.type === 'array') {
    const items = typeOf(root, node.items ?? {});
    return items.includes('|') ? `(${items})[]` : `${items}[]`;
  }
  if (node.type === 'object') return node.additionalProperties && !node.properties ? 'map' : 'object';
  return node.type ?? 'any';
}

function walk(root, raw, path, rows) {
  const node = resolve(root, raw);
  if (path !== '') {
    const fallback = 'default' in node ? `\`${JSON.stringify(node.default)}\`` : '';
    rows.push(`| \`${path}\` | ${typeOf(root, node)} | ${fallback} | ${(node.description ?? '').replace(/\|/g, '\\|')} |`);
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) walk(root, child, path === '' ? key : `${path}.${key}`, rows);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    const child = resolve(root, node.additionalProperties);
    if (child.properties || child.anyOf) walk(root, { ...child, description: undefined }, `${path}.<name>`, rows);
  }
  for (const option of node.anyOf ?? []) {
    const resolved = resolve(root, option);
    if (resolved.properties) for (const [key, child] of Object.entries(resolved.properties)) walk(root, child, `${path}.${key}`, rows);
  }
  if (node.type === 'array' && node.items) {
    const items = resolve(root, node.items);
    if (items.properties) for (const [key, child] of Object.entries(items.properties)) walk(root, child, `${path}[].${key}`, rows);
  }
}

/** The markdown reference of a config JSON Schema. */
export function renderConfigReference(schema) {
  const rows = [];
  walk(schema, schema, '', rows);
  const unique = [...new Set(rows)];
  return `# Configuration reference

Generated from the schema the gateway validates configs with (\`pnpm docs:config\`); a test fails when
this page is not current. [configuration.md](configuration.md) explains the file, interpolation and
discovery; each plugin's README lists its own options (\`providers.<name>\` entries are validated by
their type's plugin).

Editors can validate \`tollgate.config.yaml\` with [tollgate.config.schema.json](tollgate.config.schema.json)
(also \`gatewayConfigJsonSchema()\` from \`@tollgate/core\`): save it next to the config and put
\`# yaml-language-server: $schema=./tollgate.config.schema.json\` at the top of the config.

| key | type | default | meaning |
| --- | --- | --- | --- |
${unique.join('\n')}
`;
}
