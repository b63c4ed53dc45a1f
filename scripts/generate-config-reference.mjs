// Writes docs/config-reference.md and docs/tollgate.config.schema.json from the config schema.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayConfigJsonSchema } from '../packages/core/dist/index.js';
import { renderConfigReference } from './config-reference.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = gatewayConfigJsonSchema();
writeFileSync(join(root, 'docs/config-reference.md'), renderConfigReference(schema));
writeFileSync(join(root, 'docs/tollgate.config.schema.json'), `${JSON.stringify(schema, null, 2)}\n`);
console.log('wrote docs/config-reference.md and docs/tollgate.config.schema.json');
