// Cashbook driven by Debian's python3-stripe (5.x), unchanged: test/python/flows.py runs its
// flows (customer, funding, auto-pagination, confirm=True payments, refunds, errors) against a
// fresh server per store; every response it gets is checked against the OpenAPI subset, as for
// the Node SDK. Without the SDK the suite is skipped, unless CASHBOOK_REQUIRE_PYTHON_SDK=1
// (CI), where a missing SDK fails it. CASHBOOK_PYTHON picks the interpreter.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../support/process.ts';
import { describeEachStore } from '../support/suite.ts';

const PYTHON = process.env.CASHBOOK_PYTHON || '/usr/bin/python3';
const SCRIPT = path.join(REPO_ROOT, 'test/python/flows.py');
const TIMEOUT_MS = 120_000;

function sdkProblem(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import stripe'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) return `cannot run ${PYTHON}: ${probe.error.message}`;
  if (probe.status !== 0) return `${PYTHON} cannot import stripe: ${probe.stderr.trim().split('\n').at(-1)}`;
  return undefined;
}

function runFlows(url: string, key: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    // NO_PROXY: requests would send 127.0.0.1 through a proxy from the environment.
    const child = spawn(PYTHON, [SCRIPT, url, key], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

const problem = sdkProblem();
const MISSING = `${problem}: install Debian's python3-stripe to run the Python SDK tests (apt-get install python3-stripe), or point CASHBOOK_PYTHON at a python with stripe 5.x`;

if (problem) {
  if (process.env.CASHBOOK_REQUIRE_PYTHON_SDK === '1') it('python3-stripe: the SDK is installed', () => assert.fail(MISSING));
  else it('python3-stripe flows', { skip: MISSING }, () => {});
} else {
  describeEachStore('python3-stripe flows', (server) => {
    it('runs every flow of test/python/flows.py to the end', { timeout: TIMEOUT_MS + 10_000 }, async (t) => {
      const { url, key } = server();
      const result = await runFlows(url, key);
      const report = `${PYTHON} ${path.relative(REPO_ROOT, SCRIPT)} exited with ${result.signal ?? result.code}:\n${result.output}`;
      for (const line of result.output.trimEnd().split('\n')) t.diagnostic(line);
      assert.equal(result.code, 0, report);
      assert.match(result.output, /^all flows passed$/m, report);
      for (const flow of ['customer', 'fund', 'list', 'pay', 'refund', 'errors']) assert.match(result.output, new RegExp(`^${flow}: `, 'm'), report);
    });
  });
}
