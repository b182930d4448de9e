// The `cashbook` command run from src/ with tsx (as test/support/process.ts runs servers), for
// the operability tests: exit codes and stderr of one run, and servers whose whole output is kept.
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { REPO_ROOT, spawnNodeServer, type ChildServer } from '../support/process.ts';
import { databaseUrlFor, tempDir } from '../support/server.ts';
import { cleanEnv, runCollecting, type CliResult } from './binary.ts';

export { assertOneLineError } from './binary.ts';

/** One run of `cashbook ARGS`; `launcher` runs node under another command (e.g. setpriv). */
export function cashbookSource(args: string[], options: { env?: NodeJS.ProcessEnv; launcher?: string[]; timeoutMs?: number } = {}): Promise<CliResult> {
  const [command, ...prefix] = [...(options.launcher ?? []), process.execPath];
  return runCollecting(command, [...prefix, '--import', 'tsx', 'src/cli.ts', ...args], { cwd: REPO_ROOT, env: cleanEnv(options.env), timeoutMs: options.timeoutMs });
}

/** `cashbook serve` on a free port, ready once /healthz answers; `env` is all of Cashbook's environment. */
export function serveSource(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<ChildServer> {
  return spawnNodeServer({
    args: ['src/cli.ts', 'serve', '--port', '{port}', '--database-url', databaseUrl],
    env: cleanEnv({ CASHBOOK_LOG_LEVEL: 'warn', CASHBOOK_SCHEDULER_INTERVAL_MS: '3600000', ...env }),
  });
}

/**
 * In a describe block of one store: a folder of the block's own (removed after it) and
 * `database(name)`, a fresh SQLite file in it or a fresh PostgreSQL database.
 */
export function databasesOf(kind: string, prefix: string): (name: string) => Promise<string> {
  let dir = '';
  before(() => {
    dir = tempDir(prefix);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return async (name) => (kind === 'sqlite' ? path.join(dir, name) : databaseUrlFor('postgres'));
}
