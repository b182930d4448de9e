// Money out in live mode, end to end through the public API with the official SDK, on both
// stores: a bank statement funds a customer's virtual account; a return of those funds and a
// refund of a paid customer_balance PaymentIntent wait for the customer's bank details, get
// them from the public refund page, go into a payment file for the merchant's bank (pain.001
// field by field and against the pain.001.001.09 XSD, or NACHA), and a later statement's
// debit settles them (BAI2: by the whole id or the NACHA entry's 15 characters); a credit
// transfer to an unknown account is kept unmatched, sent back by the next file and settled the
// same way; payments the receiving bank sends back (camt RtrInf, a camt reversal, MT940 RD)
// fail them and give the money back (return: return_canceled; refund of a payment:
// refunded_from_payment, as at expiry; unmatched transfer: open again). The cash
// balance and its transactions are checked at every step (balance = sum of net_amounts,
// each ending_balance the previous one plus net_amount), and the auditor after each test.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { assertValidPain001 } from '../support/pain001-schema.ts';
import { describeEachStore } from '../support/suite.ts';
import { intent as waitingIntent } from './payments-helpers.ts';
import { assertBooks } from './refund-helpers.ts';
import { camt, type CamtEntry } from './camt-fixture.ts';
import { assertCash, assertPain001, bai2, camt053, customerGivesDetails, eventsOf, liveAccount, liveVirtualAccount, MASTER, mt940, newFile, payment, sepaId, text } from './live-helpers.ts';

describeEachStore('live money out', (server) => {
  it('a return of cash balance funds: statement funds the virtual IBAN, the customer gives an IBAN, a pain.001 pays it, a statement debit settles it', async () => {
    const live = await liveAccount(server());
    const { stripe } = live;
    const customer = await stripe.customers.create({ email: 'jenny.rosen@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    assert.equal(customer.livemode, true);
    const iban = await liveVirtualAccount(stripe, customer.id, 'eur');
    await assertCash(stripe, customer.id, 'eur', []);

    const funding = await live.importStatement(camt053([{ amount: '100.00', currency: 'EUR', ownAccount: iban, name: 'Jenny Rosen', iban: 'DE89370400440532013000', ref: 'IN-1', endToEndId: 'JR-1', remittance: 'Top up' }]));
    assert.deepEqual(funding.lines.map((l) => [l.status, l.customer, l.amount]), [['funded', customer.id, 10_000]]);
    await assertCash(stripe, customer.id, 'eur', [['funded', 10_000]]);
    const funded = await stripe.customers.retrieveCashBalanceTransaction(customer.id, funding.lines[0].cash_balance_transaction!);
    assert.deepEqual(funded.funded?.bank_transfer, { type: 'eu_bank_transfer', reference: 'Top up', eu_bank_transfer: { bic: 'INGBNL2AXXX', iban_last4: '3000', sender_name: 'Jenny Rosen' } } as unknown);

    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 4_000 });
    assert.deepEqual([refund.status, refund.amount], ['requires_action', 4_000]);
    await assertCash(stripe, customer.id, 'eur', [['funded', 10_000], ['return_initiated', -4_000]]);

    await customerGivesDetails(live, refund, { account_holder_name: 'Jenny Rosen', iban: 'DE89 3704 0044 0532 0130 00' }, /40\.00/);
    await assertCash(stripe, customer.id, 'eur', [['funded', 10_000], ['return_initiated', -4_000]]);

    const noAccount = await live.api('POST', '/cashbook/v1/outbound_transfer_files', 'currency=eur');
    assert.deepEqual([noAccount.status, noAccount.body.error?.param], [400, 'currency'], 'the merchant sets its own account first');
    const account = await live.api('POST', '/cashbook/v1/merchant_bank_accounts', `currency=eur&account_holder_name=Cashbook Merchant BV&iban=${MASTER}&bic=ABNANL2A`);
    assert.equal(account.status, 200, JSON.stringify(account.body));
    assert.equal(account.body.livemode, true);

    const file = await newFile(live, 'eur');
    assert.deepEqual([file.format, file.count, file.amount, file.refunds, file.unmatched_transfers], ['pain.001.001.09', 1, 4_000, [refund.id], []]);
    const xml = await live.content(file.id);
    assertPain001(xml, { messageId: file.id, currency: 'EUR', debtor: { name: 'Cashbook Merchant BV', iban: MASTER, bic: 'ABNANL2A' }, payments: [{ endToEndId: refund.id, amount: '40.00', name: 'Jenny Rosen', iban: 'DE89370400440532013000' }] });
    await assertValidPain001(xml);
    assert.deepEqual(payment(xml, refund.id), { amount: '40.00', name: 'Jenny Rosen', iban: 'DE89370400440532013000', remittance: `Return of your balance ${sepaId(refund.id)}` }, 'remittance in the SEPA character set, the id as its end-to-end id (- for _)');
    const again = await live.api('POST', '/cashbook/v1/outbound_transfer_files', 'currency=eur');
    assert.deepEqual([again.status, again.body.error?.param], [400, 'currency'], 'a refund is in one file');
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'pending', 'the file alone settles nothing');

    const paid = await live.importStatement(camt053([{ amount: '40.00', currency: 'EUR', direction: 'DBIT', name: 'Jenny Rosen', iban: 'DE89370400440532013000', endToEndId: refund.id, ref: 'OUT-1' }]));
    assert.deepEqual(paid.lines.map((l) => [l.status, l.refund, l.customer]), [['settled', refund.id, customer.id]]);
    const settled = await stripe.refunds.retrieve(refund.id);
    assert.equal(settled.status, 'succeeded');
    assert.deepEqual(settled.destination_details?.eu_bank_transfer, { reference: 'OUT-1', reference_status: 'available' } as unknown);
    await assertCash(stripe, customer.id, 'eur', [['funded', 10_000], ['return_initiated', -4_000]]);
    assert.deepEqual(await eventsOf(stripe, refund.id), [['refund.created', 'requires_action'], ['refund.updated', 'pending'], ['refund.updated', 'succeeded']]);
    const duplicate = await live.importStatement(camt053([{ amount: '40.00', currency: 'EUR', direction: 'DBIT', endToEndId: refund.id, ref: 'OUT-1' }]));
    assert.deepEqual(duplicate.lines.map((l) => l.status), ['duplicate']);
    await assertBooks(live.s);
  });

  it('a refund of a customer_balance PaymentIntent paid by a statement: the customer gives ABA details, a NACHA file pays it, a BAI2 debit settles it', async () => {
    const live = await liveAccount(server());
    const { stripe } = live;
    const customer = await stripe.customers.create({ email: 'pat@example.com', cash_balance: { settings: { reconciliation_mode: 'automatic' } } });
    const account = await liveVirtualAccount(stripe, customer.id, 'usd');
    const intent = await waitingIntent(stripe, customer.id, 3_000, { currency: 'usd' });
    assert.deepEqual([intent.status, intent.livemode], ['requires_action', true]);
    await assertCash(stripe, customer.id, 'usd', []);

    const funding = await live.importStatement(bai2(account, [['195', 5_000, 'ACH-IN-1', 'PAT-1', 'ACH CREDIT PAT DOE']]));
    assert.deepEqual(funding.lines.map((l) => [l.status, l.customer]), [['funded', customer.id]]);
    const paidIntent = await stripe.paymentIntents.retrieve(intent.id);
    assert.equal(paidIntent.status, 'succeeded', 'reconciliation pays the waiting intent');
    await assertCash(stripe, customer.id, 'usd', [['funded', 5_000], ['applied_to_payment', -3_000]]);

    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 1_200 });
    assert.deepEqual([refund.status, refund.charge], ['requires_action', paidIntent.latest_charge]);
    await assertCash(stripe, customer.id, 'usd', [['funded', 5_000], ['applied_to_payment', -3_000]]);
    await customerGivesDetails(live, refund, { account_holder_name: 'Pat Doe', routing_number: '011000015', account_number: '000999888777' }, /12\.00/);

    await live.api('POST', '/cashbook/v1/merchant_bank_accounts', 'currency=usd&account_holder_name=Cashbook Merchant Inc&routing_number=021000021&account_number=123456789');
    const file = await newFile(live, 'usd');
    assert.deepEqual([file.format, file.count, file.amount, file.refunds], ['nacha', 1, 1_200, [refund.id]]);
    const lines = (await live.content(file.id)).trimEnd().split('\n');
    assert.ok(lines.every((line) => line.length === 94));
    const entry = lines.find((l) => l[0] === '6')!;
    assert.deepEqual([entry.slice(1, 3), entry.slice(3, 12), entry.slice(12, 29).trim(), Number(entry.slice(29, 39)), entry.slice(39, 54).trim(), entry.slice(54, 76).trim()], ['22', '011000015', '000999888777', 1_200, refund.id.slice(-15), 'PAT DOE']);
    assert.ok(lines.find((l) => l[0] === '7')!.includes(refund.id), 'the addenda carries the refund id');

    const paid = await live.importStatement(bai2(account, [['495', 1_200, 'ACH-OUT-1', refund.id, 'ACH DEBIT']]));
    assert.deepEqual(paid.lines.map((l) => [l.status, l.refund]), [['settled', refund.id]]);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'succeeded');
    const refundEvents = await eventsOf(stripe, refund.id);
    assert.deepEqual(refundEvents.filter(([type]) => type.startsWith('refund.')), [['refund.created', 'requires_action'], ['refund.updated', 'pending'], ['refund.updated', 'succeeded']]);
    assert.deepEqual(refundEvents.filter(([type]) => type === 'charge.refund.updated').map(([, status]) => status), ['pending', 'succeeded']);
    const charge = await stripe.charges.retrieve(String(paidIntent.latest_charge));
    assert.deepEqual([charge.amount_refunded, charge.refunded], [1_200, false]);

    // The bank's BAI2 may echo only the entry's 15-character individual id: it settles the refund all the same.
    const second = await stripe.refunds.create({ payment_intent: intent.id, amount: 300 });
    await customerGivesDetails(live, second, { account_holder_name: 'Pat Doe', routing_number: '011000015', account_number: '000999888777' }, /3\.00/);
    const secondFile = await newFile(live, 'usd');
    assert.deepEqual(secondFile.refunds, [second.id]);
    const secondLines = (await live.content(secondFile.id)).split('\n');
    assert.deepEqual([lines[0].slice(33, 34), secondLines[0].slice(33, 34)], ['A', 'B'], "the file id modifiers of the day's first and second files");
    assert.equal(secondLines.find((l) => l[0] === '6')!.slice(39, 54), second.id.slice(-15));
    const shortId = await live.importStatement(bai2(account, [['495', 300, 'ACH-OUT-2', second.id.slice(-15), 'ACH DEBIT']]));
    assert.deepEqual(shortId.lines.map((l) => [l.status, l.refund]), [['settled', second.id]]);
    assert.equal((await stripe.refunds.retrieve(second.id)).status, 'succeeded');
    const unknownShort = await live.importStatement(bai2(account, [['495', 300, 'ACH-OUT-3', 'ZZZZZZZZZZZZZZZ', 'ACH DEBIT']]));
    assert.deepEqual(unknownShort.lines.map((l) => [l.status, l.refund]), [['ignored', null]], 'an id no entry carries settles nothing');
    await assertCash(stripe, customer.id, 'usd', [['funded', 5_000], ['applied_to_payment', -3_000]]);

    // The receiving bank sends an entry back: BAI2's ACH return credit names its individual id (type 168, or a text with the R code).
    const third = await stripe.refunds.create({ payment_intent: intent.id, amount: 400 });
    await customerGivesDetails(live, third, { account_holder_name: 'Pat Doe', routing_number: '011000015', account_number: '000999888777' }, /4\.00/);
    await newFile(live, 'usd');
    const bounced = await live.importStatement(bai2(account, [['165', 400, 'ACHRET-1', third.id.slice(-15), 'ACH RETURN R03 NO ACCOUNT']]));
    assert.deepEqual(bounced.lines.map((l) => [l.status, l.refund, l.reason]), [['returned', third.id, 'returned by the receiving bank (R03)']]);
    const failed = await stripe.refunds.retrieve(third.id);
    assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'declined']);
    await assertCash(stripe, customer.id, 'usd', [['funded', 5_000], ['applied_to_payment', -3_000], ['refunded_from_payment', 400]]);
    await assertBooks(live.s);
  });

  it('an unmatched transfer sent back: a credit to an unknown account is kept, returned to the sender by the next file, settled by a debit', async () => {
    const live = await liveAccount(server());
    const { stripe } = live;
    const bystander = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    await liveVirtualAccount(stripe, bystander.id, 'eur');
    const arrived = await live.importStatement(camt053([
      { amount: '25.00', currency: 'EUR', ownAccount: 'NL02ABNA0123456789', name: 'Unknown Sender BV', iban: 'FR1420041010050500013M02606', ref: 'IN-U1', endToEndId: 'U-1', remittance: 'Order 991' },
      { amount: '7.00', currency: 'EUR', ownAccount: 'NL02ABNA0123456789', name: 'No Account Given', ref: 'IN-U2' },
    ]));
    assert.deepEqual(arrived.lines.map((l) => [l.status, l.customer]), [['unmatched', null], ['unmatched', null]]);
    const id = arrived.lines[0].unmatched_transfer!;
    await assertCash(stripe, bystander.id, 'eur', []);
    const open = await live.api('GET', `/cashbook/v1/unmatched_transfers/${id}`);
    assert.deepEqual([open.body.status, open.body.livemode, open.body.amount, open.body.return_status, open.body.sender.iban, open.body.sender.name], ['open', true, 2_500, null, 'FR1420041010050500013M02606', 'Unknown Sender BV']);

    // Without the sender's account nothing can be sent back: a 400 that changes nothing.
    const refused = await live.api('POST', `/cashbook/v1/unmatched_transfers/${arrived.lines[1].unmatched_transfer}/return`);
    assert.equal(refused.status, 400);
    assert.deepEqual([refused.body.error.type, refused.body.error.param], ['invalid_request_error', 'id']);
    assert.match(refused.body.error.message, /cannot be sent back: .*IBAN/);
    assert.equal((await live.api('GET', `/cashbook/v1/unmatched_transfers/${arrived.lines[1].unmatched_transfer}`)).body.status, 'open');

    const returned = await live.api('POST', `/cashbook/v1/unmatched_transfers/${id}/return`);
    assert.equal(returned.status, 200, JSON.stringify(returned.body));
    assert.deepEqual([returned.body.status, returned.body.return_status, returned.body.outbound_transfer_file], ['returned', 'pending', null]);
    const twice = await live.api('POST', `/cashbook/v1/unmatched_transfers/${id}/return`);
    assert.deepEqual([twice.status, twice.body.error?.param], [400, 'id']);
    const assign = await live.api('POST', `/cashbook/v1/unmatched_transfers/${id}/assign`, `customer=${bystander.id}`);
    assert.equal(assign.status, 400, 'a returned transfer cannot fund a customer');

    await live.api('POST', '/cashbook/v1/merchant_bank_accounts', `currency=eur&account_holder_name=Cashbook Merchant BV&iban=${MASTER}&bic=ABNANL2A`);
    const file = await newFile(live, 'eur');
    assert.deepEqual([file.count, file.amount, file.refunds, file.unmatched_transfers], [1, 2_500, [], [id]]);
    const xml = await live.content(file.id);
    assert.deepEqual(payment(xml, id), { amount: '25.00', name: 'Unknown Sender BV', iban: 'FR1420041010050500013M02606', remittance: 'Return of your transfer Order 991' }, "the sender's own reference comes back to it");
    assertPain001(xml, { messageId: file.id, currency: 'EUR', debtor: { name: 'Cashbook Merchant BV', iban: MASTER, bic: 'ABNANL2A' }, payments: [{ endToEndId: id, amount: '25.00', name: 'Unknown Sender BV', iban: 'FR1420041010050500013M02606' }] });
    await assertValidPain001(xml);
    assert.equal((await live.api('GET', `/cashbook/v1/unmatched_transfers/${id}`)).body.outbound_transfer_file, file.id);
    const again = await live.api('POST', '/cashbook/v1/outbound_transfer_files', 'currency=eur');
    assert.deepEqual([again.status, again.body.error?.param], [400, 'currency'], 'a returned transfer is in one file');

    const paid = await live.importStatement(camt053([{ amount: '25.00', currency: 'EUR', direction: 'DBIT', name: 'Unknown Sender BV', iban: 'FR1420041010050500013M02606', endToEndId: id, ref: 'OUT-U1' }]));
    assert.deepEqual(paid.lines.map((l) => [l.status, l.unmatched_transfer, l.refund]), [['settled', id, null]]);
    const settled = (await live.api('GET', `/cashbook/v1/unmatched_transfers/${id}`)).body;
    assert.deepEqual([settled.status, settled.return_status, settled.outbound_transfer_file], ['returned', 'settled', file.id]);
    const listed = (await live.api('GET', '/cashbook/v1/unmatched_transfers?status=returned&limit=100')).body;
    assert.deepEqual(listed.data.map((t: { id: string }) => t.id), [id]);
    await assertCash(stripe, bystander.id, 'eur', []);
    await assertBooks(live.s);
  });

  it('bounced: the receiving bank sends back a return (money back in the cash balance) and a returned unmatched transfer (open again, sent back once more)', async () => {
    const live = await liveAccount(server());
    const { stripe } = live;
    await live.api('POST', '/cashbook/v1/merchant_bank_accounts', `currency=eur&account_holder_name=Cashbook Merchant BV&iban=${MASTER}&bic=ABNANL2A`);
    const customer = await stripe.customers.create({ email: 'closed.account@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const iban = await liveVirtualAccount(stripe, customer.id, 'eur');
    const arrived = await live.importStatement(camt053([
      { amount: '60.00', currency: 'EUR', ownAccount: iban, name: 'Closed Account', iban: 'DE89370400440532013000', ref: 'IN-B1' },
      { amount: '15.00', currency: 'EUR', ownAccount: 'NL02ABNA0123456789', name: 'Gone Away GmbH', iban: 'DE89370400440532013000', ref: 'IN-B2' },
    ]));
    assert.deepEqual(arrived.lines.map((l) => l.status), ['funded', 'unmatched']);
    const transfer = arrived.lines[1].unmatched_transfer!;
    await assertCash(stripe, customer.id, 'eur', [['funded', 6_000]]);

    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 6_000 });
    await customerGivesDetails(live, refund, { account_holder_name: 'Closed Account', iban: 'GB82WEST12345698765432' }, /60\.00/);
    assert.equal((await live.api('POST', `/cashbook/v1/unmatched_transfers/${transfer}/return`)).status, 200);
    await assertCash(stripe, customer.id, 'eur', [['funded', 6_000], ['return_initiated', -6_000]]);
    const file = await newFile(live, 'eur');
    assert.deepEqual([file.count, file.amount, file.refunds, file.unmatched_transfers], [2, 7_500, [refund.id], [transfer]]);

    // The day after: both left the merchant's account; two days after: both came back.
    const paid = await live.importStatement(camt053([
      { amount: '60.00', currency: 'EUR', direction: 'DBIT', endToEndId: refund.id, ref: 'OUT-B1' },
      { amount: '15.00', currency: 'EUR', direction: 'DBIT', endToEndId: transfer, ref: 'OUT-B2' },
    ]));
    assert.deepEqual(paid.lines.map((l) => l.status), ['settled', 'settled']);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'succeeded');
    const bounced = await live.importStatement(camt053([
      { amount: '60.00', currency: 'EUR', name: 'Closed Account', iban: 'GB82WEST12345698765432', endToEndId: refund.id, ref: 'RTN-B1', returnReason: 'AC04' },
      { amount: '15.00', currency: 'EUR', name: 'Gone Away GmbH', iban: 'DE89370400440532013000', endToEndId: transfer, ref: 'RTN-B2', returnReason: 'MD07' },
    ]));
    assert.deepEqual(bounced.lines.map((l) => [l.status, l.refund, l.unmatched_transfer]), [['returned', refund.id, null], ['returned', null, transfer]]);
    const failed = await stripe.refunds.retrieve(refund.id);
    assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'expired_or_canceled_card'], 'AC04: the account is closed');
    await assertCash(stripe, customer.id, 'eur', [['funded', 6_000], ['return_initiated', -6_000], ['return_canceled', 6_000]]);
    assert.deepEqual((await eventsOf(stripe, refund.id)).map(([type, status]) => `${type}:${status}`), [
      'refund.created:requires_action', 'refund.updated:pending', 'refund.updated:succeeded', 'refund.updated:failed', 'refund.failed:failed',
    ]);

    const reopened = (await live.api('GET', `/cashbook/v1/unmatched_transfers/${transfer}`)).body;
    assert.deepEqual([reopened.status, reopened.return_status, reopened.outbound_transfer_file, reopened.return_failure_reason], ['open', null, null, 'returned by the receiving bank (MD07)']);
    // The money is the merchant's to place again: send it back once more (a new file), or assign it.
    assert.equal((await live.api('POST', `/cashbook/v1/unmatched_transfers/${transfer}/return`)).status, 200);
    const second = await newFile(live, 'eur');
    assert.deepEqual([second.refunds, second.unmatched_transfers, second.amount], [[], [transfer], 1_500]);
    assert.notEqual(second.id, file.id);
    await assertBooks(live.s);
  });

  it('a refund of a customer_balance PaymentIntent bounced: returned (camt RtrInf), reversed (camt RvslInd) and reversed while pending (MT940 RD), each failed with its money back as refunded_from_payment', async () => {
    const live = await liveAccount(server());
    const { stripe } = live;
    await live.api('POST', '/cashbook/v1/merchant_bank_accounts', `currency=eur&account_holder_name=Cashbook Merchant BV&iban=${MASTER}&bic=ABNANL2A`);
    const customer = await stripe.customers.create({ email: 'bounce@example.com', cash_balance: { settings: { reconciliation_mode: 'automatic' } } });
    const iban = await liveVirtualAccount(stripe, customer.id, 'eur');
    const intent = await waitingIntent(stripe, customer.id, 9_000, { currency: 'eur' });
    assert.equal(intent.status, 'requires_action');
    await live.importStatement(camt053([{ amount: '90.00', currency: 'EUR', ownAccount: iban, name: 'Bo Unce', iban: 'DE89370400440532013000', ref: 'IN-PB1' }]));
    const paid = await stripe.paymentIntents.retrieve(intent.id);
    assert.equal(paid.status, 'succeeded', 'reconciliation pays the waiting intent');
    const ledger: [string, number][] = [['funded', 9_000], ['applied_to_payment', -9_000]];
    await assertCash(stripe, customer.id, 'eur', ledger);

    // Three partial refunds, each to an account the customer gives on the page; one file pays them.
    const accounts = [['Bo Unce', 'GB82WEST12345698765432'], ['Bo Unce', 'FR1420041010050500013M02606'], ['B. Unce', 'NL02ABNA0123456789']];
    const refunds: Stripe.Refund[] = [];
    for (const [index, amount] of [2_000, 3_000, 1_500].entries()) {
      const refund = await stripe.refunds.create({ payment_intent: intent.id, amount });
      assert.equal(refund.status, 'requires_action');
      await customerGivesDetails(live, refund, { account_holder_name: accounts[index][0], iban: accounts[index][1] }, /is refunding you/);
      refunds.push(refund);
    }
    const [returned, reversed, pendingReversed] = refunds;
    const file = await newFile(live, 'eur');
    assert.deepEqual([file.count, file.amount, [...file.refunds].sort()], [3, 6_500, refunds.map((r) => r.id).sort()]);
    const xml = await live.content(file.id);
    const order = text(xml, 'EndToEndId');
    const byId = new Map(refunds.map((r, i) => [r.id, { endToEndId: r.id, amount: `${r.amount / 100}.00`, name: accounts[i][0], iban: accounts[i][1] }]));
    assertPain001(xml, { messageId: file.id, currency: 'EUR', debtor: { name: 'Cashbook Merchant BV', iban: MASTER, bic: 'ABNANL2A' }, payments: order.map((id) => byId.get(id.replace('-', '_'))!) });
    await assertValidPain001(xml);
    await assertCash(stripe, customer.id, 'eur', ledger); // a refund of a payment leaves the cash balance alone until it comes back

    const settled = await live.importStatement(camt053([
      // The bank echoes each end-to-end id as the file carried it (`re-…`).
      { amount: '20.00', currency: 'EUR', direction: 'DBIT', endToEndId: sepaId(returned.id), ref: 'OUT-PB1' },
      { amount: '30.00', currency: 'EUR', direction: 'DBIT', endToEndId: sepaId(reversed.id), ref: 'OUT-PB2' },
    ]));
    assert.deepEqual(settled.lines.map((l) => [l.status, l.refund]), [['settled', returned.id], ['settled', reversed.id]]);
    const bounced = await live.importStatement(camt053([
      { amount: '20.00', currency: 'EUR', name: 'Bo Unce', iban: 'GB82WEST12345698765432', endToEndId: returned.id, ref: 'RTN-PB1', returnReason: 'AC04' },
      { amount: '30.00', currency: 'EUR', reversal: true, endToEndId: reversed.id, ref: 'RVS-PB2' },
    ]));
    assert.deepEqual(bounced.lines.map((l) => [l.status, l.refund, l.customer, l.reason]), [
      ['returned', returned.id, customer.id, 'returned by the receiving bank (AC04)'],
      ['returned', reversed.id, customer.id, 'reversed by the bank'],
    ]);
    // MT940: a reversal of the debit (RD) before any statement showed the debit itself.
    const rd = await live.importStatement(mt940(MASTER, 'EUR', [['RD', '15,00', 'RVS-PB3', pendingReversed.id, 'B. UNCE']]));
    assert.deepEqual(rd.lines.map((l) => [l.status, l.refund, l.reason]), [['returned', pendingReversed.id, 'reversed by the bank']]);

    const reasons = new Map([[returned.id, 'expired_or_canceled_card'], [reversed.id, 'unknown'], [pendingReversed.id, 'unknown']]); // AC04: a closed account; a reversal gives no reason
    for (const refund of refunds) {
      const failed = await stripe.refunds.retrieve(refund.id);
      assert.deepEqual([failed.status, failed.failure_reason, failed.next_action ?? null], ['failed', reasons.get(refund.id), null], refund.id);
      ledger.push(['refunded_from_payment', refund.amount]);
      // As the test flow's failure (the 45-day expiry): refund.updated and charge.refund.updated on each change, then refund.failed.
      const events = (await eventsOf(stripe, refund.id)).map(([type, status]) => `${type}:${status}`);
      assert.deepEqual(events.filter((e) => e.startsWith('refund.')), ['refund.created:requires_action', 'refund.updated:pending', 'refund.updated:succeeded', 'refund.updated:failed', 'refund.failed:failed'], refund.id);
      assert.deepEqual(events.filter((e) => e.startsWith('charge.refund.updated')), ['charge.refund.updated:pending', 'charge.refund.updated:succeeded', 'charge.refund.updated:failed'], refund.id);
    }
    await assertCash(stripe, customer.id, 'eur', ledger);
    const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 3 })).data;
    assert.deepEqual(rows.map((row) => row.refunded_from_payment?.refund).sort(), refunds.map((r) => r.id).sort(), 'each refunded_from_payment names its refund');
    const credited = (await stripe.events.list({ type: 'customer_cash_balance_transaction.created', limit: 3 })).data;
    assert.deepEqual(credited.map((e) => (e.data.object as Stripe.CustomerCashBalanceTransaction).type), ['refunded_from_payment', 'refunded_from_payment', 'refunded_from_payment']);
    const charge = await stripe.charges.retrieve(String(paid.latest_charge));
    assert.deepEqual([charge.amount_refunded, charge.refunded], [6_500, false], 'as at expiry, the charge keeps its refunds: the money went to the cash balance');
    assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.eur, 6_500);
    const again = await live.importStatement(camt053([{ amount: '20.00', currency: 'EUR', name: 'Bo Unce', endToEndId: returned.id, ref: 'RTN-PB1-B', returnReason: 'AC04' }]));
    assert.deepEqual(again.lines.map((l) => [l.status, l.refund]), [['unmatched', null]], 'a failed refund cannot come back twice: the credit is kept for the merchant to place');
    await assertCash(stripe, customer.id, 'eur', ledger);
    await assertBooks(live.s);
  });

  it("a bank reversal takes back money of a return that has the customer's details but is in no payment file yet; the rest goes out in a new return with those details", async () => {
    const live = await liveAccount(server());
    const { stripe } = live;
    const customer = await stripe.customers.create({ email: 'late.reversal@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const iban = await liveVirtualAccount(stripe, customer.id, 'eur');
    const sender = 'DE89370400440532013000';
    const sent = (n: number, amount: string): CamtEntry => ({ amount, currency: 'EUR', creditorAccount: iban, debtorName: 'Lena Late', debtorIban: sender, ref: `LR-${n}`, endToEndId: `LR-E2E-${n}` });
    assert.deepEqual((await live.importStatement(camt('053', '08', MASTER, [sent(1, '100.00'), sent(2, '50.00')]))).lines.map((l) => l.status), ['funded', 'funded']);
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 12_000 });
    await customerGivesDetails(live, refund, { account_holder_name: 'Lena Late', iban: 'FR14 2004 1010 0505 0001 3M02 606' }, /120\.00/);
    // The bank takes the 50.00 back: 30.00 of it is still in the balance (FIFO keeps the newest money), 20.00 is in the return.
    const back: CamtEntry = { amount: '50.00', currency: 'EUR', direction: 'DBIT', reversal: true, originalParties: true, creditorAccount: iban, debtorName: 'Lena Late', debtorIban: sender, ref: 'LR-R2', endToEndId: 'LR-E2E-2' };
    assert.deepEqual((await live.importStatement(camt('053', '08', MASTER, [back]))).lines.map((l) => l.status), ['reversed']);
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, 'canceled');
    await assertCash(stripe, customer.id, 'eur', [['funded', 10_000], ['funded', 5_000], ['return_initiated', -12_000], ['return_canceled', 12_000], ['return_initiated', -10_000], ['funding_reversed', -5_000]]);
    const rest = (await stripe.refunds.list({ limit: 5 })).data.find((r) => r.status === 'pending');
    assert.ok(rest, 'the rest is a new return, pending with the details the customer gave');
    assert.equal(rest.amount, 10_000);
    await live.api('POST', '/cashbook/v1/merchant_bank_accounts', `currency=eur&account_holder_name=Cashbook Merchant BV&iban=${MASTER}&bic=ABNANL2A`);
    const file = await newFile(live, 'eur');
    assert.deepEqual([file.count, file.amount, file.refunds], [1, 10_000, [rest.id]]);
    assert.deepEqual(payment(await live.content(file.id), rest.id).iban, 'FR1420041010050500013M02606');
    assert.equal((await stripe.balance.retrieve()).available.find((b) => b.currency === 'eur')?.amount ?? 0, 0, 'the merchant covered nothing');
    await assertBooks(live.s);
  });
});
