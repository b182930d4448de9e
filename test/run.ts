// `npm test`: starts ONE PostgreSQL server for the whole run (embedded, unless the user set
// CASHBOOK_TEST_DATABASE_URL to their own), then runs the node test runner with our arguments:
//   node --import tsx --test --test-concurrency=N <arguments>
// N is CASHBOOK_TEST_CONCURRENCY, else 2: two test files at a time. Much of a suite's time is
// spent waiting (a browser, a child process, a PostgreSQL fsync, a retry's back-off), so two
// files overlap well even on one core; every test asserts properties, never speeds.
// Each suite makes its own fresh database on that server. Stops the server afterwards and
// exits with the test runner's code; the runner's summary (ℹ tests / pass / fail) is the
// last thing printed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './postgres/embedded.ts';

// Node 20's test runner does not expand glob patterns; expand them here ('test/**/*.test.ts').
const args = process.argv.slice(2).flatMap((arg) => (!arg.startsWith('-') && /[*?]/.test(arg) ? expandGlob(arg) : [arg]));
const env = { ...process.env };
let embedded: EmbeddedPostgres | undefined;

if (!env.CASHBOOK_TEST_DATABASE_URL) {
  embedded = await startEmbeddedPostgres();
  env.CASHBOOK_TEST_DATABASE_URL = embedded.url;
  env.CASHBOOK_TEST_EMBEDDED = '1';
}

const concurrency = /^[1-9][0-9]*$/.test(env.CASHBOOK_TEST_CONCURRENCY ?? '') ? env.CASHBOOK_TEST_CONCURRENCY : '2';
const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...args], { stdio: 'inherit', env });

// Ctrl-C reaches the runner through the terminal; we stay up to stop the server after it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}

const code = await new Promise<number>((resolve) => {
  child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + 1 : 1)));
  child.once('error', () => resolve(1));
});
await embedded?.stop().catch((error: Error) => process.stderr.write(`stopping postgres: ${error.message}\n`));
process.exit(code);

/** Files matching a glob with `*`, `?` and `**` (any depth), relative to the working directory, sorted. */
function expandGlob(pattern: string): string[] {
  const parts = pattern.split('/');
  const fixed = parts.slice(0, parts.findIndex((part) => /[*?]/.test(part))).join('/') || '.';
  const source = parts
    .map((part) => (part === '**' ? '(?:[^/]+/)*' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}/`))
    .join('')
    .slice(0, -1);
  const regex = new RegExp(`^${source}$`);
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const file = dir === '.' ? entry.name : path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (regex.test(file)) found.push(file);
    }
  };
  walk(fixed);
  return found.sort();
}
