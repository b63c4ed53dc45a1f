import { DatabaseSync } from 'node:sqlite';
import { migrations } from './migrations.js';

/** Applies the migrations not applied yet, in one transaction (several processes may race here: the write lock orders them). */
function migrate(database: DatabaseSync): void {
  database.exec('CREATE TABLE IF NOT EXISTS tollgate_schema (version INTEGER NOT NULL)');
  database.exec('BEGIN IMMEDIATE');
  try {
    const row = database.prepare('SELECT version FROM tollgate_schema').get() as { version: number } | undefined;
    const applied = row?.version ?? 0;
    for (const migration of migrations.slice(applied)) database.exec(migration);
    if (row === undefined) database.prepare('INSERT INTO tollgate_schema (version) VALUES (?)').run(migrations.length);
    else if (applied < migrations.length) database.prepare('UPDATE tollgate_schema SET version = ?').run(migrations.length);
    database.exec('COMMIT');
  } catch (error) {
    database.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Opens (or creates) the Tollgate database file: WAL mode so readers never block the writer,
 * `synchronous = NORMAL` (commits survive a process crash; the last ones may not survive a power
 * loss), a 5 s busy timeout for other processes' writes, and the schema migrated.
 */
export function openDatabase(path: string): DatabaseSync {
  const database = new DatabaseSync(path);
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  migrate(database);
  return database;
}
