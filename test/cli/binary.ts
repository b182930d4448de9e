// The built `cashbook` command as a user runs it: bin/cashbook.js on the JavaScript in dist/.
// The first use in a test process builds dist/ when it is missing or older than src/
// (scripts/build.js --if-stale: on a fresh clone `npm ci` has built it already).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { REPO_ROOT } from '../support/process.ts';
import { registerServerDatabase } from '../support/databases.ts';

export const BIN = path.join(REPO_ROOT, 'bin', 'cashbook.js');

let built = false;
export function ensureBuilt(): void {
  if (built) return;
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.js'), '--if-stale'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `building dist/ failed:\n${result.stdout}\n${result.stderr}`);
  built = true;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user with none of Cashbook's variables set, plus `env`. */
export function cleanEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CASHBOOK_') || name.startsWith('CASHBOOK_TEST_')));
  return { ...base, ...env };
}

export function cashbook(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  ensureBuilt();
  return runCollecting(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: cleanEnv(options.env), timeoutMs: options.timeoutMs });
}

/** Runs a command to its end, keeping its exit code and output; killed after `timeoutMs` (60 s). */
export function runCollecting(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A mistake: exit 2, and stderr is exactly one `cashbook: …` line, no stack trace. */
export function assertOneLineError(result: CliResult, pattern: RegExp, what: string): void {
  assert.equal(result.code, 2, `${what}: exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `${what}: one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0], /^cashbook: /, what);
  assert.doesNotMatch(result.stderr, /\n\s+at |Error:|node:internal/, `${what}: no stack trace`);
  assert.match(lines[0], pattern, what);
}

export interface CliServer {
  child: ChildProcess;
  url: string;
  /** The test key the banner printed when it made the default account, if it did. */
  createdKey?: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** `cashbook serve` on a port the OS picks; resolves once the banner names it. */
export async function startCliServer(databaseUrl: string, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<CliServer> {
  ensureBuilt();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--database-url', databaseUrl, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: cleanEnv({ CASHBOOK_LOG_LEVEL: 'warn', CASHBOOK_SCHEDULER_INTERVAL_MS: '3600000', ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + 30_000;
  while (!/Cashbook is serving (http:\/\/\S+)/.test(output)) {
    if (ended) throw new Error(`cashbook serve exited before serving:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`cashbook serve did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = /Cashbook is serving (http:\/\/\S+)/.exec(output)![1];
  registerServerDatabase(url, databaseUrl);
  return {
    child,
    url,
    createdKey: /test secret key: (sk_test_\w+)/.exec(output)?.[1],
    output: () => output,
    async stop() {
      if (!ended) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Plain SQL on a Cashbook database (`?` placeholders on both engines), to look at or break rows. */
export interface RawDb {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function openRaw(databaseUrl: string): Promise<RawDb> {
  if (/^postgres/.test(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const numbered = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    return {
      all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows,
      run: async (sql, params = []) => (await client.query(numbered(sql), params)).rowCount ?? 0,
      close: () => client.end(),
    };
  }
  const db = new Database(databaseUrl);
  db.pragma('busy_timeout = 5000');
  return {
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => db.prepare(sql).run(...params).changes,
    close: async () => void db.close(),
  };
}
