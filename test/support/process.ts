// Runs Cashbook (or any Node entry point) as a child process: spawn, wait until it answers
// /healthz, kill it with any signal, and see how it ended. Used by the crash test, the
// multi-process tests and the bench. The database is a parameter, so any store works.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerServerDatabase } from './databases.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ExitStatus {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  /** The signal that ended the process (e.g. 'SIGKILL'), or null after a normal exit. */
  signal: NodeJS.Signals | null;
}

export interface ChildServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Resolves once the process has ended, however it ended. */
  readonly exited: Promise<ExitStatus>;
  /** The last 64 KiB of stdout and stderr, for failure messages. */
  output(): string;
  /** Sends `signal` (default SIGKILL) and waits for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /** SIGTERM (a graceful stop) and waits; SIGKILL if it has not ended after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<ExitStatus>;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
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

export interface SpawnOptions {
  /** Arguments after `node --import tsx`; `{port}` is replaced by the chosen port. */
  args: string[];
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Path answered with 2xx once the process is ready. */
  healthPath?: string;
  readyTimeoutMs?: number;
  /** Extra node flags before `--import tsx` (e.g. ['--cpu-prof']). */
  nodeFlags?: string[];
  /** A command that runs node, with its arguments (e.g. ['prlimit', '--nofile=256']). */
  launcher?: string[];
}

/** Spawns `node --import tsx <args>` in the repository root and waits until it is healthy. */
export async function spawnNodeServer(options: SpawnOptions): Promise<ChildServer> {
  // A port found free can be taken before the child binds it; try a few when we chose it.
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await spawnOnce(options, port);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function spawnOnce(options: SpawnOptions, port: number): Promise<ChildServer> {
  const args = [...(options.nodeFlags ?? []), '--import', 'tsx', ...options.args.map((a) => a.replaceAll('{port}', String(port)))];
  const [command, ...prefix] = [...(options.launcher ?? []), process.execPath];
  const child = spawn(command, [...prefix, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  const collect = (chunk: Buffer) => {
    buffered = (buffered + chunk.toString('utf8')).slice(-65536);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended: ExitStatus | undefined;
  void exited.then((status) => (ended = status));
  const url = `http://127.0.0.1:${port}`;

  const server: ChildServer = {
    child,
    pid: child.pid!,
    port,
    url,
    exited,
    output: () => buffered,
    async kill(signal = 'SIGKILL') {
      if (!ended) child.kill(signal);
      return exited;
    },
    async stop(timeoutMs = 10_000) {
      if (ended) return ended;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  const healthUrl = url + (options.healthPath ?? '/healthz');
  while (true) {
    if (ended) throw new Error(`server exited (${JSON.stringify(ended)}) before it was ready:\n${buffered}`);
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.kill('SIGKILL');
      throw new Error(`server did not answer ${healthUrl} within ${options.readyTimeoutMs ?? 30_000} ms:\n${buffered}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface CashbookProcessOptions {
  /** SQLite file path, sqlite: URL or postgres:// URL. */
  databaseUrl: string;
  apiKey: string;
  port?: number;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  nodeFlags?: string[];
  readyTimeoutMs?: number;
  launcher?: string[];
}

/** Starts `cashbook serve` (src/cli.ts) as a child process and waits until /healthz answers. */
export async function startServerProcess(options: CashbookProcessOptions): Promise<ChildServer> {
  const server = await spawnNodeServer({
    args: [
      'src/cli.ts', 'serve',
      '--host', '127.0.0.1',
      '--port', '{port}',
      '--database-url', options.databaseUrl,
      '--api-key', options.apiKey,
      '--log-level', options.logLevel ?? 'warn',
    ],
    port: options.port,
    env: options.env,
    nodeFlags: options.nodeFlags,
    readyTimeoutMs: options.readyTimeoutMs,
    launcher: options.launcher,
  });
  registerServerDatabase(server.url, options.databaseUrl); // for the ledger checks (invariants.ts)
  return server;
}
