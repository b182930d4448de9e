// Bank statements in, through the public API, on both stores: what a line is matched to. A
// batch of payment-file refunds given by the camt.053 only as its count (Btch/NbOfTxs) books
// nothing, so the camt.054 listing its transactions settles or returns each refund, in either
// order; a reversal takes back the credit of the sender it names, and each of two identical
// credits gets its own reversal; a Latin-1 ING line imported before 2026-12-04 stays a duplicate.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf } from './payments-helpers.ts';
import { assertBooks } from './refund-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';
import { camt, type CamtEntry, type CamtTransaction } from './camt-fixture.ts';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { parseStatement } from '../../src/core/bank-files/detect.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { hash } from '../../src/resources/bank-statements/entries.ts';
import { importStatement } from '../../src/resources/bank-statements/service.ts';
import { systemContext } from '../../src/wire/context.ts';

async function importFile(server: TestServer, body: string | Uint8Array<ArrayBuffer>, type = 'application/xml'): Promise<Statement> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': type }, body: typeof body === 'string' ? body : new Blob([body]) });
  const statement = (await reply.json()) as Statement;
  assert.equal(reply.status, 200, JSON.stringify(statement));
  return statement;
}

const MASTER = 'NL91ABNA0417164300';
const NEVER_ISSUED = 'DE02120300000000202051';
const PAYEE = 'DE75512108001245126199';
const SENDER_1 = 'DE75512108001245126199';
const SENDER_2 = 'DE89370400440532013000';

/** A customer funded with 100.00 EUR and its returns of `amounts` (minor units), each given bank details and put in one payment file. */
async function refundsInFile(s: TestServer, amounts: number[]): Promise<{ customer: string; refunds: string[] }> {
  const { stripe } = s;
  const customer = await stripe.customers.create({ email: 'payee@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
  const { account } = await virtualAccount(stripe, customer.id, 'eur');
  const funding = await importFile(s, camt('053', '08', MASTER, [{ amount: '100.00', currency: 'EUR', creditorAccount: account, debtorName: 'A Payee', debtorIban: PAYEE, ref: `F-${customer.id}`, endToEndId: `F-${customer.id}` }]));
  assert.deepEqual(funding.lines.map((l) => l.status), ['funded']);
  const refunds: string[] = [];
  for (const amount of amounts) {
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount } as never);
    const link = (await s.request('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`)).body as { url: string };
    const page = await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `account_holder_name=A+Payee&iban=${PAYEE}` });
    assert.equal(page.status, 200);
    refunds.push(refund.id);
  }
  assert.equal((await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: `currency=eur&account_holder_name=Shop BV&iban=${MASTER}&bic=ABNANL2A` })).status, 200);
  const file = await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur' });
  assert.equal(file.status, 200, JSON.stringify(file.body));
  assert.deepEqual([...(file.body as { refunds: string[] }).refunds].sort(), [...refunds].sort());
  return { customer: customer.id, refunds };
}

/** The camt.053 entry giving a batch only as its count and total, as banks write the end-of-day statement. */
const summary = (entry: CamtEntry, count: number) =>
  camt('053', '08', MASTER, [entry]).replace(/<NtryDtls>[\s\S]*?<\/NtryDtls>/, `<NtryDtls><Btch><NbOfTxs>${count}</NbOfTxs><TtlAmt Ccy="${entry.currency}">${entry.amount}</TtlAmt></Btch></NtryDtls>`);

/** Each refund's payment as the bank lists it in a batch: its id as the end-to-end id (`-` for `_`, as a pain.001 writes it). */
const payments = (refunds: string[], amounts: string[], extra: Partial<CamtTransaction> = {}): CamtTransaction[] =>
  refunds.map((id, i) => ({ amount: amounts[i], creditorAccount: MASTER, debtorName: 'A Payee', debtorIban: PAYEE, endToEndId: id.replace('_', '-'), ...extra }));

const statuses = async (s: TestServer, ids: string[]) => Promise.all(ids.map(async (id) => (await s.stripe.refunds.retrieve(id)).status));

describeEachStore('bank statements: batches of refunds, reversals by sender, former readings', (server) => {
  it("a batch of a payment file's refunds that the camt.053 gives only as its count settles each refund from the camt.054, in either order", async () => {
    const s = server();
    // The count first: it books nothing, and the camt.054 that lists the payments settles them.
    const first = await refundsInFile(s, [1_000, 2_000]);
    const debit: CamtEntry = { amount: '30.00', currency: 'EUR', direction: 'DBIT', ref: 'BATCH-OUT-1' };
    const night = await importFile(s, summary(debit, 2));
    assert.deepEqual(night.lines.map((l) => [l.status, l.refund, l.unmatched_transfer]), [['ignored', null, null]]);
    const noon = await importFile(s, camt('054', '08', MASTER, [{ ...debit, transactions: payments(first.refunds, ['10.00', '20.00']) }]));
    assert.deepEqual(noon.lines.map((l) => [l.status, l.refund]), first.refunds.map((id) => ['settled', id]));
    assert.deepEqual(await statuses(s, first.refunds), ['succeeded', 'succeeded']);
    assert.match(night.lines[0].reason!, /a batch of 2 transactions given only as its total: each is booked from the file that lists them/);
    assert.deepEqual((await importFile(s, summary(debit, 2))).lines.map((l) => l.status), ['duplicate'], 'the count again, after its payments');

    // The payments first: the count that follows is their duplicate.
    const second = await refundsInFile(s, [1_500, 2_500]);
    const later: CamtEntry = { amount: '40.00', currency: 'EUR', direction: 'DBIT', ref: 'BATCH-OUT-2' };
    const listed = await importFile(s, camt('054', '08', MASTER, [{ ...later, transactions: payments(second.refunds, ['15.00', '25.00']) }]));
    assert.deepEqual(listed.lines.map((l) => [l.status, l.refund]), second.refunds.map((id) => ['settled', id]));
    const counted = await importFile(s, summary(later, 2));
    assert.deepEqual(counted.lines.map((l) => l.status), ['duplicate']);
    assert.deepEqual(await statuses(s, second.refunds), ['succeeded', 'succeeded']);
    assert.deepEqual([await balanceOf(s.stripe, first.customer, 'eur'), await balanceOf(s.stripe, second.customer, 'eur')], [7_000, 6_000]);
    await assertBooks(s);
  });

  it('a count imported before 2026-12-05 (one ignored debit then, recorded as seen) does not make the payments it counts duplicates', async () => {
    const s = server();
    const { refunds } = await refundsInFile(s, [1_200, 1_300]);
    const debit: CamtEntry = { amount: '25.00', currency: 'EUR', direction: 'DBIT', ref: 'BATCH-OUT-OLD' };
    // As imports before 2026-12-05 read the count: one entry of its own, no batch.
    const counted = parseStatement(summary(debit, 2));
    const asBefore = { ...counted, lines: counted.lines.map(({ batch, ...line }) => (assert.ok(batch?.summary), line)) };
    const old = await s.store.write((tx) => importStatement(tx, systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds), asBefore));
    assert.deepEqual(old.lines.map((l) => l.status), ['ignored']);
    const listed = await importFile(s, camt('054', '08', MASTER, [{ ...debit, transactions: payments(refunds, ['12.00', '13.00']) }]));
    assert.deepEqual(listed.lines.map((l) => [l.status, l.refund]), refunds.map((id) => ['settled', id]));
    assert.deepEqual(await statuses(s, refunds), ['succeeded', 'succeeded']);
    await assertBooks(s);
  });

  it('a returned batch (RvslInd) given only as its total is no unmatched transfer: the camt.054 listing it fails each refund, in either order', async () => {
    const s = server();
    const round = async (ref: string, amounts: [number, number]) => {
      const made = await refundsInFile(s, amounts);
      const written = amounts.map((a) => (a / 100).toFixed(2));
      const total = ((amounts[0] + amounts[1]) / 100).toFixed(2);
      const paid = await importFile(s, camt('054', '08', MASTER, [{ amount: total, currency: 'EUR', direction: 'DBIT', ref: `${ref}-OUT`, transactions: payments(made.refunds, written) }]));
      assert.deepEqual(paid.lines.map((l) => l.status), ['settled', 'settled']);
      const back: CamtEntry = { amount: total, currency: 'EUR', reversal: true, ref: `${ref}-BACK` };
      return { ...made, total: summary(back, 2), details: camt('054', '08', MASTER, [{ ...back, transactions: payments(made.refunds, written, { returnReason: 'AC04' }) }]) };
    };
    const open = async () => ((await s.request('GET', '/cashbook/v1/unmatched_transfers?limit=100')).body as { data: unknown[] }).data.length;

    // The total first: it waits for its details instead of becoming one transfer of the total.
    const first = await round('RB1', [1_000, 2_000]);
    const night = await importFile(s, first.total);
    assert.deepEqual(night.lines.map((l) => [l.status, l.unmatched_transfer]), [['ignored', null]]);
    assert.equal(await open(), 0, 'no unmatched transfer of the total');
    const noon = await importFile(s, first.details);
    assert.deepEqual(noon.lines.map((l) => [l.status, l.refund]), first.refunds.map((id) => ['returned', id]));
    assert.deepEqual(await statuses(s, first.refunds), ['failed', 'failed']);
    assert.equal(await balanceOf(s.stripe, first.customer, 'eur'), 10_000, 'the money is back in the cash balance');

    // The details first: the total that follows is their duplicate.
    const second = await round('RB2', [500, 700]);
    assert.deepEqual((await importFile(s, second.details)).lines.map((l) => l.status), ['returned', 'returned']);
    assert.deepEqual((await importFile(s, second.total)).lines.map((l) => l.status), ['duplicate']);
    assert.deepEqual(await statuses(s, second.refunds), ['failed', 'failed']);
    assert.equal(await balanceOf(s.stripe, second.customer, 'eur'), 10_000);
    assert.equal(await open(), 0);
    await assertBooks(s);
  });

  it('a reversal takes back the credit of the sender it names: two senders quoting one end-to-end id and amount, assigned to two customers', async () => {
    const s = server();
    const { stripe } = s;
    const alice = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const bob = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const credit = (n: number, sender: string): CamtEntry => ({ amount: '49.00', currency: 'EUR', creditorAccount: NEVER_ISSUED, debtorName: `Sender ${n}`, debtorIban: sender, ref: `ABO-IN-${n}`, endToEndId: 'ABO-2026-12' });
    const reversal = (n: number, sender: string): CamtEntry => ({ ...credit(n, sender), direction: 'DBIT', reversal: true, originalParties: true, ref: `ABO-RV-${n}` });
    const kept = await importFile(s, camt('053', '02', MASTER, [credit(1, SENDER_1), credit(2, SENDER_2)]));
    assert.deepEqual(kept.lines.map((l) => l.status), ['unmatched', 'unmatched']);
    const [toAlice, toBob] = kept.lines.map((l) => l.unmatched_transfer!);
    assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${toAlice}/assign`, { form: `customer=${alice.id}` })).status, 200);
    assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${toBob}/assign`, { form: `customer=${bob.id}` })).status, 200);

    const second = await importFile(s, camt('053', '02', MASTER, [reversal(2, SENDER_2)]));
    assert.deepEqual(second.lines.map((l) => [l.status, l.unmatched_transfer, l.customer]), [['reversed', toBob, bob.id]]);
    assert.deepEqual([await balanceOf(stripe, alice.id, 'eur'), await balanceOf(stripe, bob.id, 'eur')], [4_900, 0]);
    const first = await importFile(s, camt('053', '02', MASTER, [reversal(1, SENDER_1)]));
    assert.deepEqual(first.lines.map((l) => [l.status, l.unmatched_transfer, l.customer]), [['reversed', toAlice, alice.id]]);
    assert.deepEqual([await balanceOf(stripe, alice.id, 'eur'), await balanceOf(stripe, bob.id, 'eur')], [0, 0]);
    await assertBooks(s);
  });

  /** A customer's virtual IBAN credited twice alike (25.00 EUR, end-to-end id MONTHLY-25, from SENDER_1), and a reversal of such a credit naming `sender`. */
  const fundedTwice = async (s: TestServer) => {
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const credit = (ref: string): CamtEntry => ({ amount: '25.00', currency: 'EUR', creditorAccount: account, debtorName: 'Sender 1', debtorIban: SENDER_1, ref, endToEndId: 'MONTHLY-25' });
    const funded = await importFile(s, camt('053', '02', MASTER, [credit('TWICE-1'), credit('TWICE-2')]));
    assert.deepEqual(funded.lines.map((l) => [l.status, l.customer]), [['funded', customer.id], ['funded', customer.id]]);
    return { customer: customer.id, reversal: (ref: string, sender: string): CamtEntry => ({ ...credit(ref), direction: 'DBIT', reversal: true, originalParties: true, debtorIban: sender }) };
  };

  it('a reversal naming another sender takes back no funding of a virtual IBAN', async () => {
    const s = server();
    const { customer, reversal } = await fundedTwice(s);
    const stranger = await importFile(s, camt('053', '02', MASTER, [reversal('TWICE-RV-0', SENDER_2)]));
    assert.deepEqual(stranger.lines.map((l) => [l.status, l.cash_balance_transaction]), [['unmatched', null]], "another sender's reversal");
    assert.equal(await balanceOf(s.stripe, customer, 'eur'), 5_000);
    await assertBooks(s);
  });

  it('each of two identical credits to a virtual IBAN gets its own reversal', async () => {
    const s = server();
    const { customer, reversal } = await fundedTwice(s);
    const reversed = await importFile(s, camt('053', '02', MASTER, [reversal('TWICE-RV-1', SENDER_1), reversal('TWICE-RV-2', SENDER_1)]));
    assert.deepEqual(reversed.lines.map((l) => [l.status, l.customer]), [['reversed', customer], ['reversed', customer]]);
    assert.equal(new Set(reversed.lines.map((l) => l.cash_balance_transaction)).size, 2, 'two funding_reversed');
    assert.equal(await balanceOf(s.stripe, customer, 'eur'), 0);
    const third = await importFile(s, camt('053', '02', MASTER, [reversal('TWICE-RV-3', SENDER_1)]));
    assert.deepEqual(third.lines.map((l) => l.status), ['unmatched'], 'nothing left to reverse');
    await assertBooks(s);
  });

  it('a funding indexed before 2026-12-05 (the one credit in the index record itself) is still reversed, and a credit alike after it gets its own reversal', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const credit = (ref: string): CamtEntry => ({ amount: '10.00', currency: 'EUR', creditorAccount: account, debtorName: 'Sender 1', debtorIban: SENDER_1, ref, endToEndId: 'OLD-E2E' });
    const first = await importFile(s, camt('053', '02', MASTER, [credit('OLD-IN-1')]));
    // The index as imports before 2026-12-05 wrote it (its key: account, end-to-end id, amount, currency).
    const id = `sf_${hash([account, 'OLD-E2E', 1_000, 'eur'])}`;
    await s.store.write(async (tx) => {
      const index = await tx.get('statement_entries', DEFAULT_ACCOUNT_ID, id);
      assert.ok(index, 'the funding is indexed under that key');
      await tx.update('statement_entries', DEFAULT_ACCOUNT_ID, { id, created: index.created, statement: first.id, line: 0, customer: customer.id, funded: first.lines[0].cash_balance_transaction, end_to_end_id: 'OLD-E2E' });
    });
    assert.deepEqual((await importFile(s, camt('053', '02', MASTER, [credit('OLD-IN-2')]))).lines.map((l) => l.status), ['funded']);
    const reversal = (ref: string): CamtEntry => ({ ...credit(ref), direction: 'DBIT', reversal: true, originalParties: true });
    const reversed = await importFile(s, camt('053', '02', MASTER, [reversal('OLD-RV-1'), reversal('OLD-RV-2')]));
    assert.deepEqual(reversed.lines.map((l) => [l.status, l.customer]), [['reversed', customer.id], ['reversed', customer.id]]);
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 0);
    await assertBooks(s);
  });

  it('a Latin-1 ING line without a bank reference, imported before 2026-12-04 (read as UTF-8, its :86: as free text), is a duplicate now', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const text = [':20:ING-LATIN', `:25:${account}`, ':28C:1/1', ':60F:C261202EUR0,00', ':61:2612031203C17,00NTRFEREF', ':86:/EREF/ING-LATIN-1//CNTP/NL91ABNA0417164300/ABNANL2A/Jürgen Weiß/KÖLN//REMI/USTD//Miete für März/', ':62F:C261203EUR17,00', '-'].join('\n');
    const latin = Uint8Array.from(text, (c) => c.charCodeAt(0));
    // As imports before 2026-12-04 read it: the bytes as UTF-8 (U+FFFD for each Latin-1 letter), the :86: as free text, ING's EREF placeholder as the end-to-end id.
    const lossy = parseStatement(Buffer.from(latin).toString('utf8'));
    assert.ok(lossy.lines[0].formerDetails, 'the reading before 2026-12-05 differs');
    const asBefore = {
      ...lossy,
      lines: lossy.lines.map(({ formerDetails, ...line }) => ({ ...line, reference: formerDetails!.reference, endToEndId: formerDetails!.endToEndId, sender: { ...line.sender, name: formerDetails!.name, account: formerDetails!.account } })),
    };
    const ctx = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);
    const old = await s.store.write((tx) => importStatement(tx, ctx, asBefore));
    assert.deepEqual(old.lines.map((l) => [l.status, l.customer]), [['funded', customer.id]]);
    const now = await importFile(s, latin, 'text/plain');
    assert.deepEqual(now.lines.map((l) => l.status), ['duplicate'], 'not booked a second time');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 1_700);
    await assertBooks(s);
  });
});
