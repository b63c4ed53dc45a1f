import type pg from 'pg';
import { migrations } from './migrations.js';

/** Applies the migrations not applied yet, in one transaction, one instance at a time. */
export async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('tollgate.ledger'))`);
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS tollgate_schema (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM tollgate_schema');
    const applied = rows[0]?.version ?? 0;
    for (const migration of migrations.slice(applied)) await client.query(migration);
    if (rows.length === 0) await client.query('INSERT INTO tollgate_schema (version) VALUES ($1)', [migrations.length]);
    else if (applied < migrations.length) await client.query('UPDATE tollgate_schema SET version = $1', [migrations.length]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
