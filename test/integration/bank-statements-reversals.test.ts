// Bank statements in, through the public API, on both stores: the bank reversing a credit that
// Cashbook kept as an unmatched transfer (assigned, open, waiting to be returned, in a payment
// file); a camt.054's batch and the camt.053 that sums it up, in either order; ING's structured
// MT940 :86:; and what assign and return say of a currency Cashbook can neither hold nor pay.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, intent } from './payments-helpers.ts';
import { advanceClock, assertBooks, DAY, IBAN_OK, merchantBalance } from './refund-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';
import { camt, type CamtEntry } from './camt-fixture.ts';

async function importFile(server: TestServer, body: string, type = 'application/xml'): Promise<Statement> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': type }, body });
  const statement = (await reply.json()) as Statement;
  assert.equal(reply.status, 200, JSON.stringify(statement));
  return statement;
}

interface Transfer { id: string; status: string; return_status: string | null; outbound_transfer_file: string | null; reversal_reason: string | null; customer: string | null }
const transfer = async (s: TestServer, id: string) => (await s.request('GET', `/cashbook/v1/unmatched_transfers/${id}`)).body as Transfer;

const MASTER = 'NL91ABNA0417164300';
const NEVER_ISSUED = 'DE02120300000000202051';
const SENDER = 'DE75512108001245126199';

/** A credit to an account Cashbook never issued, and the bank's reversal of it (DBIT, RvslInd, the original parties repeated). */
const credit = (n: number, amount: string): CamtEntry => ({ amount, currency: 'EUR', creditorAccount: NEVER_ISSUED, debtorName: `Sender ${n}`, debtorIban: SENDER, ref: `UX00${n}`, endToEndId: `UX-E2E-${n}`, remittance: `transfer ${n}` });
const reversal = (n: number, amount: string): CamtEntry => ({ amount, currency: 'EUR', direction: 'DBIT', reversal: true, originalParties: true, creditorAccount: NEVER_ISSUED, debtorName: `Sender ${n}`, debtorIban: SENDER, ref: `UXR0${n}`, endToEndId: `UX-E2E-${n}` });

describeEachStore('bank statements: reversals of unmatched transfers, batches, ING', (server) => {
  it('a reversal of an unmatched transfer takes back its assignment, closes it, cancels its return, and reports one a payment file pays back', async () => {
    const s = server();
    const { stripe } = s;
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: `currency=eur&account_holder_name=Shop BV&iban=${MASTER}&bic=ABNANL2A` });
    const kept = await importFile(s, camt('053', '02', MASTER, [credit(1, '40.00'), credit(2, '41.00'), credit(3, '42.00'), credit(4, '43.00'), credit(5, '44.00')]));
    assert.deepEqual(kept.lines.map((l) => l.status), ['unmatched', 'unmatched', 'unmatched', 'unmatched', 'unmatched']);
    const [assigned, open, waiting, inFile, paidBack] = kept.lines.map((l) => l.unmatched_transfer!);

    // Assigned, and the money spent: the reversal takes it back with the overdraft correction.
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'automatic' } } });
    assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${assigned}/assign`, { form: `customer=${customer.id}` })).status, 200);
    assert.equal((await intent(stripe, customer.id, 4_000, { currency: 'eur' })).status, 'succeeded');
    // Returned: one waits for a file, one is in a file, one is in a file the bank has paid.
    for (const id of [waiting, inFile, paidBack]) assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${id}/return`)).status, 200);
    const file = (await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur' })).body as { id: string; unmatched_transfers: string[] };
    assert.deepEqual([...file.unmatched_transfers].sort(), [waiting, inFile, paidBack].sort());
    const paid = await importFile(s, camt('053', '08', MASTER, [{ amount: '44.00', currency: 'EUR', direction: 'DBIT', creditorAccount: MASTER, debtorName: 'Sender 5', debtorIban: SENDER, ref: 'OUT-5', endToEndId: paidBack.replace('_', '-') }]));
    assert.deepEqual(paid.lines.map((l) => l.status), ['settled']);
    // The third waits for a file again: a bounce made it open, and it is returned once more.
    const bounced = await importFile(s, camt('053', '08', MASTER, [{ amount: '42.00', currency: 'EUR', creditorAccount: MASTER, debtorName: 'Sender 3', debtorIban: SENDER, ref: 'RTN-3', endToEndId: waiting.replace('_', '-'), returnReason: 'AC04' }]));
    assert.deepEqual(bounced.lines.map((l) => [l.status, l.unmatched_transfer]), [['returned', waiting]]);
    assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${waiting}/return`)).status, 200);

    const reversals = camt('053', '02', MASTER, [reversal(1, '40.00'), reversal(2, '41.00'), reversal(3, '42.00'), reversal(4, '43.00'), reversal(5, '44.00')]);
    const reversed = await importFile(s, reversals);
    assert.deepEqual(reversed.lines.map((l) => [l.status, l.unmatched_transfer]), [assigned, open, waiting, inFile, paidBack].map((id) => ['reversed', id]));
    assert.equal(reversed.lines[0].customer, customer.id);
    const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 4 })).data.map((r) => [r.type, r.net_amount]);
    assert.deepEqual(rows, [['adjusted_for_overdraft', 4_000], ['funding_reversed', -4_000], ['applied_to_payment', -4_000], ['funded', 4_000]]);
    assert.equal(reversed.lines[0].cash_balance_transaction, (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 2 })).data[1].id);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0);
    assert.match(reversed.lines[1].reason!, /closed \(reversed\), nothing to assign or return/);
    assert.match(reversed.lines[2].reason!, /return to the sender is canceled/);
    assert.match(reversed.lines[3].reason!, new RegExp(`payment file ${file.id} pays back to the sender: the money leaves twice; if you have not sent that file to your bank, take the payment with end-to-end id ${inFile.replace('_', '-')} out of it first`));
    assert.match(reversed.lines[4].reason!, /paid back already, so the sender has the money twice: ask the sender to pay it back/);

    const states = await Promise.all([assigned, open, waiting, inFile, paidBack].map((id) => transfer(s, id)));
    assert.deepEqual(states.map((t) => [t.status, t.return_status, t.outbound_transfer_file]), [['reversed', null, null], ['reversed', null, null], ['reversed', null, null], ['reversed', 'pending', file.id], ['reversed', 'settled', file.id]]);
    // Lines counted from 1: the file's first line is line 1.
    states.forEach((t, i) => assert.match(t.reversal_reason!, new RegExp(`reversed by the bank \\(statement ${reversed.id} line ${i + 1}\\)`)));
    // Never assigned, returned or paid out again.
    for (const action of ['assign', 'return']) {
      const refused = await s.request('POST', `/cashbook/v1/unmatched_transfers/${open}/${action}`, { form: action === 'assign' ? `customer=${customer.id}` : '' });
      assert.deepEqual([refused.status, refused.body.error?.param], [400, 'id']);
      assert.match(refused.body.error.message, /The bank reversed this unmatched transfer/);
    }
    const none = await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur' });
    assert.deepEqual([none.status, none.body.error?.param], [400, 'currency'], 'the canceled return is in no file');
    const listed = (await s.request('GET', '/cashbook/v1/unmatched_transfers?status=reversed&limit=10')).body as { data: { id: string }[] };
    assert.equal(listed.data.length, 5);
    assert.deepEqual((await importFile(s, reversals)).lines.map((l) => l.status), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);

    // The file's payment of the reversed transfer still settles, saying the money left twice.
    const settled = await importFile(s, camt('053', '08', MASTER, [{ amount: '43.00', currency: 'EUR', direction: 'DBIT', creditorAccount: MASTER, debtorName: 'Sender 4', debtorIban: SENDER, ref: 'OUT-4', endToEndId: inFile.replace('_', '-') }]));
    assert.deepEqual(settled.lines.map((l) => [l.status, l.unmatched_transfer]), [['settled', inFile]]);
    assert.match(settled.lines[0].reason!, /the money left twice/);
    assert.deepEqual([(await transfer(s, inFile)).status, (await transfer(s, inFile)).return_status], ['reversed', 'settled']);
    await assertBooks(s);
  });

  it('a camt.054 batch and the camt.053 entry that sums it up book once, in either order', async () => {
    const s = server();
    const { stripe } = s;
    const alice = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const bob = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: aliceIban } = await virtualAccount(stripe, alice.id, 'eur');
    const { account: bobIban } = await virtualAccount(stripe, bob.id, 'eur');
    const details = (ref: string) => camt('054', '08', MASTER, [{ amount: '6.30', currency: 'EUR', ref, transactions: [
      { amount: '3.10', creditorAccount: aliceIban, debtorName: 'Debtor 1', debtorIban: 'CH2801234000123456789', endToEndId: `${ref}-1` },
      { amount: '3.20', creditorAccount: bobIban, debtorName: 'Debtor 2', endToEndId: `${ref}-2` },
    ] }]);
    // The end-of-day statement gives the batch as its count and total only, as banks write it.
    const summary = (ref: string) => camt('053', '08', MASTER, [{ amount: '6.30', currency: 'EUR', ref }]).replace(/<NtryDtls>[\s\S]*?<\/NtryDtls>/, '<NtryDtls><Btch><NbOfTxs>2</NbOfTxs><TtlAmt Ccy="EUR">6.30</TtlAmt></Btch></NtryDtls>');

    // Details first (the notification at noon, the statement at night).
    const noon = await importFile(s, details('ACSR-1'));
    assert.deepEqual(noon.lines.map((l) => [l.status, l.customer]), [['funded', alice.id], ['funded', bob.id]]);
    const night = await importFile(s, summary('ACSR-1'));
    assert.deepEqual(night.lines.map((l) => [l.status, l.amount, l.unmatched_transfer]), [['duplicate', 630, null]]);
    assert.match(night.lines[0].reason!, new RegExp(`its 2 transactions were imported before with their details \\(statement ${noon.id}\\)`));

    // The summary first: it routes nowhere, so it waits for its details instead of becoming one transfer of the total.
    const first = await importFile(s, summary('ACSR-2'));
    assert.deepEqual(first.lines.map((l) => [l.status, l.unmatched_transfer]), [['ignored', null]]);
    assert.match(first.lines[0].reason!, /a batch of 2 transactions given only as its total: each is booked from the file that lists them/);
    const then = await importFile(s, details('ACSR-2'));
    assert.deepEqual(then.lines.map((l) => [l.status, l.customer]), [['funded', alice.id], ['funded', bob.id]]);
    assert.deepEqual((await importFile(s, summary('ACSR-2'))).lines.map((l) => l.status), ['duplicate']);
    assert.deepEqual([await balanceOf(stripe, alice.id, 'eur'), await balanceOf(stripe, bob.id, 'eur')], [620, 640]);
    const open = (await s.request('GET', '/cashbook/v1/unmatched_transfers?status=open&limit=100')).body as { data: { amount: number }[] };
    assert.deepEqual(open.data.filter((t) => t.amount === 630), [], 'no transfer of the batch total');
    await assertBooks(s);
  });

  it('ING MT940: the structured :86: gives the end-to-end id, sender and remittance; the EREF placeholder is no reference', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: iban } = await virtualAccount(stripe, customer.id, 'eur');
    const ing = (id: string, opening: string, closing: string, lines: string[]) => [
      '{1:F01INGBNL2ABXXX0000000000}', '{2:I940INGBNL2AXXXN}', '{3:{108:B12345678S000001}}', '{4:',
      `:20:${id}`, `:25:${iban}EUR`, ':28C:10', `:60F:C261203EUR${opening}`, ...lines, `:62F:C261205EUR${closing}`, '-}',
    ].join('\r\n');
    const funding = await importFile(s, ing('P261204000000001', '0,00', '10,00', [
      ':61:2612041204C10,00NTRFEREF//00000000000501', '/TRCD/00100/',
      ':86:/EREF/ING-A//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen/AMSTERDAM//REMI/USTD//factuur 1/',
    ]), 'text/plain');
    assert.deepEqual(funding.lines.map((l) => [l.status, l.customer]), [['funded', customer.id]]);
    const funded = await stripe.customers.retrieveCashBalanceTransaction(customer.id, funding.lines[0].cash_balance_transaction!);
    assert.deepEqual(funded.funded?.bank_transfer, { type: 'eu_bank_transfer', reference: 'factuur 1', eu_bank_transfer: { bic: 'ABNANL2A', iban_last4: '4300', sender_name: 'J. Jansen' } } as unknown);

    // A storno of another payment (another EREF) reverses nothing; one of this payment reverses it.
    const other = await importFile(s, ing('P261205000000002', '10,00', '0,00', [
      ':61:2612051205RC10,00NTRFEREF//00000000000502', '/TRCD/00100/',
      ':86:/EREF/ING-B-SOMETHING-ELSE//CNTP/NL44RABO0123456789/RABONL2U/Other Person/UTRECHT//REMI/USTD//storno other/',
    ]), 'text/plain');
    assert.deepEqual(other.lines.map((l) => l.status), ['unmatched']);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 1_000);
    const storno = await importFile(s, ing('P261205000000003', '10,00', '0,00', [
      ':61:2612051205RC10,00NTRFEREF//00000000000503', ':86:/EREF/ING-A//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen/AMSTERDAM//REMI/USTD//storno/',
    ]), 'text/plain');
    assert.deepEqual(storno.lines.map((l) => [l.status, l.customer]), [['reversed', customer.id]]);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0);

    // A payment file's refund, settled by ING's debit naming it in /EREF/ (its STRD remittance read as the creditor reference).
    await stripe.customers.update(customer.id, { email: 'jansen@example.com' });
    await importFile(s, ing('P261205000000004', '0,00', '20,00', [':61:2612051205C20,00NTRFEREF//00000000000504', ':86:/EREF/ING-C//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen/AMSTERDAM//REMI/STRD/CDTRREFTP//CD/SCOR//ISSR/CUR//CDTRREF/RF18539007547034/']), 'text/plain');
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 1_111 });
    const link = (await s.request('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`)).body as { url: string };
    assert.equal((await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'account_holder_name=J.+Jansen&iban=NL91ABNA0417164300' })).status, 200);
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: `currency=eur&account_holder_name=Shop BV&iban=${MASTER}&bic=ABNANL2A` });
    assert.equal((await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur' })).status, 200);
    const settle = await importFile(s, ing('P261205000009999', '20,00', '8,89', [
      ':61:2612051205D11,11NTRFEREF//00000000000101', '/TRCD/00100/',
      `:86:/EREF/${refund.id.replace('_', '-')}//CNTP/NL91ABNA0417164300/ABNANL2A/ING Klant/AMSTERDAM//REMI/USTD//Return of your balance/`,
    ]), 'text/plain');
    assert.deepEqual(settle.lines.map((l) => [l.status, l.refund]), [['settled', refund.id]]);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'succeeded');
    const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 1 })).data;
    assert.equal(rows[0].type, 'return_initiated');
    await assertBooks(s);
  });

  it('MT940: an issued IBAN split across ?2x subfields routes the credit; MT942 says it is mt942', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: iban } = await virtualAccount(stripe, customer.id, 'eur');
    const spaced = iban.replace(/(.{4})/g, '$1 ').trim(); // NL12 CASH 0123 4567 89
    const split = spaced.length - 6;
    const statement = await importFile(s, [
      ':20:STARTUMS2', ':25:37040044/0532013000', ':28C:00002/001', ':60F:C261203EUR0,00',
      ':61:2612041204CR1,00NTRFNONREF//BK000012', `:86:166?00SEPA-GUTSCHRIFT?20EREF+MT-E2E-2?21SVWZ+an ${spaced.slice(0, split)}?22${spaced.slice(split)} bitte?32Emilie Dupont`,
      ':62F:C261204EUR1,00', '-',
    ].join('\n'), 'text/plain');
    assert.deepEqual(statement.lines.map((l) => [l.status, l.customer]), [['funded', customer.id]]);
    const interim = await importFile(s, [':20:MT942-A', `:25:${iban}`, ':28C:1/1', ':34F:EURC0,00', ':13D:2612011200+0100', ':61:2612011201C2,00NTRFNONREF//MT942-A1', ':86:intraday', '-'].join('\n'), 'text/plain');
    assert.deepEqual([interim.format, interim.lines[0].status], ['mt942', 'funded']);
    await assertBooks(s);
  });

  it('an unmatched transfer in a currency Cashbook can neither hold nor pay out: assign and return both say so, naming the transfer', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({});
    const kept = await importFile(s, camt('053', '02', MASTER, [{ amount: '12.345', currency: 'KWD', creditorAccount: NEVER_ISSUED, debtorName: 'Kuwaiti', debtorIban: SENDER, ref: 'KW001' }]));
    const id = kept.lines[0].unmatched_transfer!;
    for (const [action, form] of [['assign', `customer=${customer.id}`], ['return', '']]) {
      const refused = await s.request('POST', `/cashbook/v1/unmatched_transfers/${id}/${action}`, { form });
      assert.deepEqual([refused.status, refused.body.error?.type, refused.body.error?.param], [400, 'invalid_request_error', 'id'], action);
      assert.match(refused.body.error.message, /in KWD, which Cashbook can neither hold in a cash balance \(EUR, GBP, JPY, MXN, USD\) nor pay back in a payment file \(EUR, GBP, USD\): handle it outside Cashbook.*Cashbook has no way to mark it handled/);
      assert.equal((await transfer(s, id)).status, 'open', 'a refusal changes nothing');
    }
  });
  it("a reversal takes the reversed funding's money out of returns nobody has been paid yet, newest first; the surplus goes out again, and the old link opens it", async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ email: 'waiting@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: iban } = await virtualAccount(stripe, customer.id, 'eur');
    const sent = (n: number, amount: string): CamtEntry => ({ amount, currency: 'EUR', creditorAccount: iban, debtorName: 'Sender W', debtorIban: SENDER, ref: `W-${n}`, endToEndId: `W-E2E-${n}`, remittance: `order ${n}` });
    assert.deepEqual((await importFile(s, camt('053', '08', iban, [sent(1, '10.00'), sent(2, '6.00')]))).lines.map((l) => l.status), ['funded', 'funded']);
    const ret = (amount: number) => stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount, metadata: { case: String(amount) } } as Stripe.RefundCreateParams);
    const older = await ret(900);
    const link = await s.request('POST', `/cashbook/v1/refunds/${older.id}/bank_details_link`);
    assert.equal(link.status, 200);
    const newer = await ret(500); // 200 stay in the balance
    assert.equal(newer.status, 'requires_action');
    const merchantBefore = await merchantBalance(stripe, 'eur');
    const back: CamtEntry = { amount: '10.00', currency: 'EUR', direction: 'DBIT', reversal: true, originalParties: true, creditorAccount: iban, debtorName: 'Sender W', debtorIban: SENDER, ref: 'W-R1', endToEndId: 'W-E2E-1' };
    assert.deepEqual((await importFile(s, camt('053', '08', iban, [back]))).lines.map((l) => l.status), ['reversed']);
    // The first funding's 1000: none is in the balance (FIFO keeps the newest money, 200 of the second), all of it in the returns.
    assert.equal((await stripe.refunds.retrieve(newer.id)).status, 'canceled');
    assert.equal((await stripe.refunds.retrieve(older.id)).status, 'canceled');
    const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 20 })).data.reverse().map((r) => [r.type, r.net_amount]);
    assert.deepEqual(rows.slice(4), [['return_canceled', 500], ['return_canceled', 900], ['return_initiated', -400], ['funding_reversed', -1000]], 'no overdraft to cover');
    const again = (await stripe.refunds.list({ limit: 5 })).data.filter((r) => r.status === 'requires_action');
    assert.equal(again.length, 1, 'one new return for what the older one held beyond the reversal');
    assert.equal(again[0].amount, 400);
    assert.deepEqual(again[0].metadata, { case: '900' });
    const until = (r: Stripe.Refund) => (r.next_action as { display_details?: { expires_at?: number } } | null)?.display_details?.expires_at;
    assert.equal(until(again[0]), until(older), 'with the deadline of the return it replaces');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 200);
    assert.equal(await merchantBalance(stripe, 'eur'), merchantBefore, 'the merchant pays nothing for money that never left');
    await assertBooks(s);
    // The link the customer holds opens the new return: 600 sent and kept, 400 of it out in the new return.
    const page = await fetch(link.body.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /4\.00/);
    const submitted = await fetch(link.body.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ account_holder_name: 'Sender W', ...IBAN_OK }).toString() });
    assert.equal(submitted.status, 200, await submitted.text());
    assert.equal((await stripe.refunds.retrieve(again[0].id)).status, 'succeeded');
    assert.equal(await merchantBalance(stripe, 'eur'), merchantBefore);
    await assertBooks(s);
  });

  it("on a clock: the funding's own 75-day return gives its money back first, a newer return stays; a swept funding's reversal is the merchant's to cover", async () => {
    const s = server();
    const { stripe } = s;
    const start = Math.floor(Date.now() / 1000);
    const clocked = async (email: string | undefined) => {
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
      const customer = await stripe.customers.create({ email, test_clock: clock.id, cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      const { account } = await virtualAccount(stripe, customer.id, 'eur');
      return { customer, account, at: (days: number) => advanceClock(stripe, clock.id, start + days * DAY) };
    };
    const entry = (account: string, n: string, amount: string, reversal = false): CamtEntry => reversal
      ? { amount, currency: 'EUR', direction: 'DBIT', reversal: true, originalParties: true, creditorAccount: account, debtorName: 'Sender C', debtorIban: SENDER, ref: `C-R${n}`, endToEndId: `C-E2E-${n}` }
      : { amount, currency: 'EUR', creditorAccount: account, debtorName: 'Sender C', debtorIban: SENDER, ref: `C-${n}`, endToEndId: `C-E2E-${n}` };
    const statuses = async (account: string, entries: CamtEntry[]) => (await importFile(s, camt('053', '08', account, entries))).lines.map((l) => l.status);
    const tail = async (customer: string, n: number) => (await stripe.customers.listCashBalanceTransactions(customer, { limit: n })).data.reverse().map((r) => [r.type, r.net_amount]);

    const a = await clocked('own@example.com');
    assert.deepEqual(await statuses(a.account, [entry(a.account, 'A1', '100.00')]), ['funded']);
    await a.at(10);
    assert.deepEqual(await statuses(a.account, [entry(a.account, 'A2', '60.00')]), ['funded']);
    await a.at(76); // the first funding's 75-day return takes its 100.00
    const [auto] = (await stripe.refunds.list({ limit: 10 })).data.filter((r) => r.status === 'requires_action' && r.amount === 10_000);
    assert.ok(auto);
    const mine = await stripe.refunds.create({ origin: 'customer_balance', customer: a.customer.id, currency: 'eur', amount: 6_000 } as Stripe.RefundCreateParams);
    await a.at(80);
    const merchantBefore = await merchantBalance(stripe, 'eur');
    assert.deepEqual(await statuses(a.account, [entry(a.account, 'A1', '100.00', true)]), ['reversed']);
    assert.equal((await stripe.refunds.retrieve(auto.id)).status, 'canceled', "the funding's own return holds its money");
    assert.equal((await stripe.refunds.retrieve(mine.id)).status, 'requires_action', 'the newer return holds newer money: untouched');
    assert.deepEqual(await tail(a.customer.id, 2), [['return_canceled', 10_000], ['funding_reversed', -10_000]]);
    assert.equal(await merchantBalance(stripe, 'eur'), merchantBefore);

    const b = await clocked(undefined); // no email: no 75-day return, swept at 90
    assert.deepEqual(await statuses(b.account, [entry(b.account, 'B1', '100.00')]), ['funded']);
    await b.at(91);
    assert.deepEqual(await tail(b.customer.id, 1), [['transferred_to_balance', -10_000]]);
    assert.deepEqual(await statuses(b.account, [entry(b.account, 'B2', '50.00')]), ['funded']);
    const theirs = await stripe.refunds.create({ origin: 'customer_balance', customer: b.customer.id, currency: 'eur', amount: 5_000, instructions_email: 'b@example.com' } as Stripe.RefundCreateParams);
    const beforeReversal = await merchantBalance(stripe, 'eur');
    assert.deepEqual(await statuses(b.account, [entry(b.account, 'B1', '100.00', true)]), ['reversed']);
    assert.equal((await stripe.refunds.retrieve(theirs.id)).status, 'requires_action', "the swept funding's money is with the merchant, not in the return");
    assert.deepEqual(await tail(b.customer.id, 2), [['funding_reversed', -10_000], ['adjusted_for_overdraft', 10_000]]);
    assert.equal(await merchantBalance(stripe, 'eur'), beforeReversal - 10_000, 'the merchant gives back what the sweep gave it');
    await assertBooks(s);
  });
});
