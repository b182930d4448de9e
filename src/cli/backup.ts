// `cashbook backup FILE`: a consistent copy of a SQLite database, also while the server runs.
// SQLite's online backup API copies every page in one step, inside one read transaction:
// in WAL mode that never blocks the server's writes, and the copy is the database as of one
// commit. It is written beside FILE and renamed into place, so FILE is never half a copy.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from './errors.ts';
import { addDatabaseOption, databaseUrl, isPostgresUrl, requireExisting, sqliteFile } from './options.ts';

export interface BackupResult {
  file: string;
  pages: number;
  bytes: number;
  ms: number;
}

export async function backupSqlite(source: string, destination: string, options: { force?: boolean } = {}): Promise<BackupResult> {
  const target = path.resolve(destination);
  if (path.resolve(source) === target) throw new CliError('the backup must go to another file than the database itself');
  if (!fs.existsSync(path.dirname(target))) throw new CliError(`cannot write ${destination}: folder ${path.dirname(target)} does not exist`);
  if (fs.existsSync(target) && !options.force) throw new CliError(`${destination} exists already: choose another name, or pass --force to replace it`);
  const { default: Database } = await import('better-sqlite3');
  const started = performance.now();
  let db: InstanceType<typeof Database>;
  try {
    db = new Database(source, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('query_only = ON');
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // a SQLite file at all
  } catch (error) {
    throw new CliError(`cannot read the SQLite database ${source}: ${(error as Error).message}`);
  }
  const partial = `${target}.partial-${process.pid}`;
  try {
    // The first step sizes the copy; the progress callback then asks for every page at once.
    const progress = await db.backup(partial, { progress: () => 0x7fffffff });
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(partial, target);
    return { file: destination, pages: progress.totalPages, bytes: fs.statSync(target).size, ms: Math.round(performance.now() - started) };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new CliError(`backup to ${destination} failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

export function register(program: Command): void {
  addDatabaseOption(
    program
      .command('backup')
      .description('copy a SQLite database consistently, also while the server runs (PostgreSQL: use pg_dump)')
      .argument('<file>', 'where to write the copy (a SQLite database file, usable as --database-url)'),
  )
    .option('--force', 'replace <file> if it exists')
    .option('--verify', 'run `cashbook verify` on the copy afterwards')
    .action(async (file: string, options: { databaseUrl?: string; force?: boolean; verify?: boolean }) => {
      const url = databaseUrl(options);
      if (isPostgresUrl(url)) throw new CliError('cashbook backup copies SQLite databases; for PostgreSQL use pg_dump, which reads one consistent snapshot (see the README, Backups)');
      requireExisting(url);
      const result = await backupSqlite(sqliteFile(url), file, { force: options.force });
      console.log(`backed up ${sqliteFile(url)} to ${result.file}: ${result.pages} pages, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB, in ${result.ms} ms`);
      if (!options.verify) {
        console.log(`check it with: cashbook verify --database-url ${file}`);
        return;
      }
      const { runVerify } = await import('./verify.ts');
      await runVerify({ databaseUrl: file });
    });
}
