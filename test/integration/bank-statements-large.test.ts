// Large statement files, through the public API: one above the size read in place goes to the
// reader's worker thread and imports exactly as a small one does (its refusals too), and while
// a file of megabytes is read the event loop that serves other requests is never held for long.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf } from './payments-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';
import { camt, type CamtEntry } from './camt-fixture.ts';
import { READ_IN_PLACE_BYTES } from '../../src/resources/bank-statements/reader.ts';

async function importFile(server: TestServer, body: string): Promise<{ status: number; body: Statement & { error?: { type: string; param?: string; message: string } } }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/xml' }, body });
  return { status: reply.status, body: (await reply.json()) as Statement & { error?: { type: string; param?: string; message: string } } };
}

const SENDER = 'DE89370400440532013000';

describeEachStore('bank statements: large files', (server, kind) => {
  it('a file above the size read in place imports as a small one does, and is refused the same way', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const entries: CamtEntry[] = Array.from({ length: 400 }, (_, i) => ({ amount: '1.25', currency: 'EUR', creditorAccount: account, debtorName: `Sender ${i}`, debtorIban: SENDER, ref: `LRG-${i}`, endToEndId: `LRG-E2E-${i}`, remittance: `order ${i} ${'x'.repeat(120)}` }));
    const body = camt('053', '08', account, entries);
    assert.ok(Buffer.byteLength(body) > READ_IN_PLACE_BYTES, `${Buffer.byteLength(body)} bytes: read by the worker`);
    const imported = await importFile(s, body);
    assert.equal(imported.status, 200, JSON.stringify(imported.body).slice(0, 500));
    assert.equal(imported.body.lines.length, 400);
    assert.deepEqual([...new Set(imported.body.lines.map((l) => l.status))], ['funded']);
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 400 * 125);
    assert.deepEqual([...new Set((await importFile(s, body)).body.lines.map((l) => l.status))], ['duplicate'], 'the same file again books nothing');
    // A refusal read in the worker is the same Stripe-shaped 400 as one read in place, and books nothing.
    const bad = camt('053', '08', account, [...entries.map((e, i) => ({ ...e, ref: `BAD-${i}`, endToEndId: `BAD-E2E-${i}` })), { ...entries[0], ref: 'BAD-X', currency: 'E?R' }]);
    const refused = await importFile(s, bad);
    assert.equal(refused.status, 400);
    assert.deepEqual([refused.body.error?.type, refused.body.error?.param], ['invalid_request_error', 'file']);
    assert.equal(refused.body.error?.message, 'This statement cannot be imported: entry 401: "E?R" is not an ISO 4217 currency code. Nothing was booked.');
    const small = await importFile(s, camt('053', '08', account, [{ ...entries[0], ref: 'SMALL-X', currency: 'E?R' }]));
    assert.equal(small.body.error?.message, refused.body.error?.message.replace('entry 401', 'entry 1'), 'as read in place');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 400 * 125, 'nothing booked');
  });

  it('while a file of megabytes is read, the event loop is never held for most of the import', async (t) => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const one = camt('053', '08', account, [{ amount: '2.00', currency: 'EUR', creditorAccount: account, debtorName: 'Big Sender', debtorIban: SENDER, ref: 'HUGE-1', endToEndId: 'HUGE-E2E-1' }]);
    const body = one.replace('<BkToCstmrStmt>', `<BkToCstmrStmt>${' '.repeat(8 * 1024 * 1024)}`);
    // The server runs in this process: a parse on its event loop would be one stall as long as most of the import.
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const started = performance.now();
    const imported = await importFile(s, body);
    const took = performance.now() - started;
    stalls.disable();
    assert.equal(imported.status, 200);
    assert.deepEqual(imported.body.lines.map((l) => l.status), ['funded']);
    const longest = stalls.max / 1e6;
    t.diagnostic(`longest stall ${longest.toFixed(0)} ms of a ${took.toFixed(0)} ms import`);
    assert.ok(longest < took / 2, `the longest stall, ${longest.toFixed(0)} ms, of an import that took ${took.toFixed(0)} ms`);
  });

  it('while the lines of a file of thousands of entries are booked, the event loop is never held for most of the import', async (t) => {
    // On PostgreSQL every statement is a round trip that frees the event loop anyway: only SQLite's synchronous calls could hold it.
    if (kind !== 'sqlite') return t.skip('guards SQLite, whose calls are synchronous');
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const entries: CamtEntry[] = Array.from({ length: 4_000 }, (_, i) => ({ amount: '0.10', currency: 'EUR', creditorAccount: account, debtorName: `Payer ${i}`, debtorIban: SENDER, ref: `MANY-${i}`, endToEndId: `MANY-E2E-${i}` }));
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const started = performance.now();
    const imported = await importFile(s, camt('053', '08', account, entries));
    const took = performance.now() - started;
    stalls.disable();
    assert.equal(imported.status, 200);
    assert.equal(imported.body.lines.filter((l) => l.status === 'funded').length, 4_000);
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 40_000);
    const longest = stalls.max / 1e6;
    t.diagnostic(`longest stall ${longest.toFixed(0)} ms of a ${took.toFixed(0)} ms import`);
    assert.ok(longest < took / 2, `the longest stall, ${longest.toFixed(0)} ms, of an import that took ${took.toFixed(0)} ms`);
  });
});
