// The `cashbook` command run from src/ with tsx (as test/support/process.ts runs servers), for
// the operability tests: exit codes and stderr of one run, and servers whose whole output is kept.
import { REPO_ROOT, spawnNodeServer, type ChildServer } from '../support/process.ts';
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
