// A steady request rate below saturation must not hold webhook delivery back: the worker yields
// only while the API saturates its process. Runs `cashbook serve` as a child process, wired as
// in production, measures how many requests a second it serves on this machine right now, and
// paces a third of that at it, so the load stays below saturation however slow the machine is.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { dropPostgresDatabase } from '../postgres/database.ts';
import { startServerProcess } from '../support/process.ts';
import { databaseUrlFor, sdk, STORES, tempDir } from '../support/server.ts';
import { startReceiver } from './receiver.ts';

const KEY = 'sk_test_cashbook_steady_00000000000000000';
const SECONDS = 4;
const EVERY_MS = 100;
/** Of the measured capacity: far enough below saturation to hold on a loaded machine. */
const SHARE = 0.3;

for (const kind of STORES) {
  describe(`webhook delivery under a steady load [${kind}]`, () => {
    it('keeps pace with a steady load at a third of what the server can serve', async () => {
      const databaseUrl = kind === 'sqlite' ? path.join(tempDir('cashbook-steady-'), 'cashbook.db') : await databaseUrlFor(kind);
      const server = await startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error' });
      const receiver = await startReceiver();
      try {
        const stripe = sdk(server.url, KEY);
        const deliveredIds = () => new Set(receiver.received.map((r) => (JSON.parse(r.body) as { data: { object: { id: string } } }).data.object.id));
        await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
        const created: { id: string; at: number }[] = [];
        // Capacity: customers created in 1.5 s by 10 clients back to back (their events count too).
        const capacityStart = Date.now();
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            while (Date.now() - capacityStart < 1500) {
              const customer = await stripe.customers.create({ name: 'capacity' });
              created.push({ id: customer.id, at: Date.now() });
            }
          }),
        );
        const capacity = created.length / ((Date.now() - capacityStart) / 1000);
        const burst = Math.max(1, Math.round((capacity * SHARE * EVERY_MS) / 1000));
        await receiver.waitFor(() => {
          const now = deliveredIds();
          return created.every((c) => now.has(c.id));
        }, 30_000);
        created.length = 0;
        const start = Date.now();
        for (let slot = 0; slot < (SECONDS * 1000) / EVERY_MS; slot++) {
          const wait = start + slot * EVERY_MS - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          await Promise.all(
            Array.from({ length: burst }, async () => {
              const customer = await stripe.customers.create({ name: 'steady' });
              created.push({ id: customer.id, at: Date.now() });
            }),
          );
        }
        const end = Date.now();
        const rate = Math.round(created.length / ((end - start) / 1000));
        const delivered = deliveredIds();
        // Everything created up to 1.5 s before the load ended should be out by then.
        const due = created.filter((c) => c.at < end - 1500);
        const late = due.filter((c) => !delivered.has(c.id)).length;
        assert.ok(due.length > 0);
        assert.ok(late <= due.length * 0.1, `${late} of ${due.length} events created over a second before the load ended (at ${rate} requests/s; capacity ${Math.round(capacity)}/s) were not yet delivered`);
        // And all of them are delivered in the end.
        await receiver.waitFor(() => {
          const now = deliveredIds();
          return created.every((c) => now.has(c.id));
        }, 30_000);
      } finally {
        await receiver.close();
        const status = await server.stop();
        assert.equal(status.code, 0, server.output());
        if (kind === 'postgres') await dropPostgresDatabase(databaseUrl);
      }
    });
  });
}
