import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { gatewayConfigJsonSchema } from '@tollgate/core';
// @ts-expect-error -- a plain JavaScript script
import { renderConfigReference } from '../scripts/config-reference.mjs';

it('docs/config-reference.md and the editor schema are generated from the current config schema', async () => {
  const schema = gatewayConfigJsonSchema();
  const docs = new URL('../docs/', import.meta.url);
  expect(await readFile(new URL('config-reference.md', docs), 'utf8'), 'run `pnpm docs:config`').toBe(renderConfigReference(schema));
  expect(JSON.parse(await readFile(new URL('tollgate.config.schema.json', docs), 'utf8')), 'run `pnpm docs:config`').toEqual(schema);
});
