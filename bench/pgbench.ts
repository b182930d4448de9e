// The PostgreSQL ceiling: `pgbench -N` (the simple-update TPC-B-like script: one UPDATE, one
// SELECT, one INSERT per transaction, committed durably) at the bench's client count, on a
// database of its own on the same server, in the same run. pgbench comes with the PostgreSQL
// client tools (Debian: `apt install postgresql-client`).
import { spawnSync } from 'node:child_process';
import pg from 'pg';

export interface PgbenchResult {
  tps: number;
  /** Mean latency of a transaction, in ms. */
  latencyMs: number;
}

function pgbenchUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/cashbook_pgbench';
  return parsed.toString();
}

/** Creates and fills (scale 10) the pgbench database next to `url`; false when pgbench is missing. */
export async function preparePgbench(url: string): Promise<boolean> {
  if (spawnSync('pgbench', ['--version'], { encoding: 'utf8' }).status !== 0) {
    console.error('  ! pgbench not found (apt install postgresql-client): no PostgreSQL ceiling in this run');
    return false;
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('DROP DATABASE IF EXISTS cashbook_pgbench');
    await admin.query('CREATE DATABASE cashbook_pgbench');
  } finally {
    await admin.end();
  }
  const init = spawnSync('pgbench', ['-i', '-q', '-s', '10', pgbenchUrl(url)], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
  return true;
}

export function runPgbench(url: string, clients: number, seconds: number): PgbenchResult {
  const run = spawnSync('pgbench', ['-N', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(Math.max(1, Math.round(seconds))), pgbenchUrl(url)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(run.stdout)?.[1]);
  return { tps, latencyMs };
}
