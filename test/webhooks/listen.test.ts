// `cashbook listen --forward-to`: a child process watching the API prints each new event and
// forwards it signed with the secret it printed; the SDK verifies what arrives.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { REPO_ROOT } from '../support/process.ts';
import { describeEachStore } from '../support/suite.ts';
import { startReceiver, verify } from './receiver.ts';

describeEachStore('cashbook listen', (server) => {
  it('prints new events and forwards them signed', async () => {
    const { stripe, url, key } = server();
    await stripe.customers.create({ name: 'before listen' });
    const receiver = await startReceiver();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'listen', '--api-base', url, '--api-key', key, '--forward-to', receiver.url, '--interval', '50', '--events', 'customer.*'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      const deadline = Date.now() + 20_000;
      while (!/signing secret is (whsec_\w+)/.test(output)) {
        assert.ok(Date.now() < deadline, `listen did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const secret = /signing secret is (whsec_\w+)/.exec(output)![1];
      const customer = await stripe.customers.create({ name: 'during listen' });
      await stripe.customers.update(customer.id, { name: 'renamed' });
      await stripe.webhookEndpoints.create({ url: 'https://example.com/x', enabled_events: ['*'] });
      await receiver.waitFor((r) => r.length >= 2);
      const events = receiver.received.map((r) => verify(r, secret));
      assert.deepEqual(events.map((e) => e.type), ['customer.created', 'customer.updated'], 'in order, and only new ones');
      assert.equal((events[0].data.object as { id: string }).id, customer.id);
      const listed = await stripe.events.retrieve(events[1].id);
      assert.deepEqual(events[1].data, listed.data);
      while (!output.includes(`<--  [200] POST ${receiver.url} [${events[1].id}]`)) {
        assert.ok(Date.now() < deadline, output);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.match(output, new RegExp(`--> customer.created \\[${events[0].id}\\]`));
    } finally {
      child.kill('SIGTERM');
      await receiver.close();
    }
  });
});
