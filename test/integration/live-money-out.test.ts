// Money out in live mode, end to end through the public API with the official SDK, on both
// stores: a bank statement funds a customer's virtual account; a return of those funds and a
// refund of a paid customer_balance PaymentIntent wait for the customer's bank details, get
// them from the public refund page, go into a payment file for the merchant's bank (pain.001
// or NACHA, checked for the refund, its amount and its end-to-end id), and a later statement's
// debit settles them; a credit transfer to an unknown account is kept unmatched, sent back by
// the next file and settled the same way; payments the receiving bank sends back give the
// money back (return: into the cash balance; unmatched transfer: open again). The cash
// balance and its transactions are checked at every step (balance = sum of net_amounts,
// each ending_balance the previous one plus net_amount), and the auditor after each test.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { createAccount } from '../../src/resources/accounts/service.ts';
import { assertCashLedger } from '../support/invariants.ts';
import { sdk, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { assertBooks } from './refund-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';

const MASTER = 'NL91ABNA0417164300'; // the merchant's own account, which the virtual IBANs sit under

interface Live {
  s: TestServer;
  stripe: Stripe;
  key: string;
  /** A Cashbook route with the live key; form-encoded body. */
  api(method: string, path: string, form?: string): Promise<{ status: number; body: any }>;
  importStatement(body: string): Promise<Statement>;
  content(fileId: string): Promise<string>;
}

async function liveAccount(s: TestServer): Promise<Live> {
  const { key } = await createAccount(s.store, { livemode: true, now: Math.floor(Date.now() / 1000) });
  assert.match(key, /^sk_live_/);
  const stripe = sdk(s.url, key);
  const api = (method: string, path: string, form?: string) => s.request(method, path, { headers: { authorization: `Bearer ${key}` }, ...(form !== undefined ? { form } : {}) });
  return {
    s,
    stripe,
    key,
    api,
    async importStatement(body) {
      const reply = await fetch(`${s.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/xml' }, body });
      const json = (await reply.json()) as Statement;
      assert.equal(reply.status, 200, JSON.stringify(json));
      assert.equal(json.livemode, true);
      return json;
    },
    async content(fileId) {
      const reply = await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${fileId}/content`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(reply.status, 200);
      return reply.text();
    },
  };
}

interface Entry {
  amount: string;
  currency: string;
  direction?: 'CRDT' | 'DBIT';
  /** Our account the entry credits (CdtrAcct of a credit). */
  ownAccount?: string;
  /** The other party: sender of a credit, payee of a debit. */
  name?: string;
  iban?: string;
  otherAccount?: string;
  clearing?: { system: 'GBDSC' | 'USABA'; id: string };
  endToEndId?: string;
  ref: string;
  remittance?: string;
  returnReason?: string;
}

let statements = 0;

/** A camt.053.001.08 end-of-day statement of the merchant's account, as banks write it. */
function camt053(entries: Entry[]): string {
  const id = `LIVE-STMT-${++statements}-${Date.now()}`;
  const ntry = entries.map((e) => {
    const credit = (e.direction ?? 'CRDT') === 'CRDT';
    const [party, partyAccount, partyAgent, ownTag] = credit ? ['Dbtr', 'DbtrAcct', 'DbtrAgt', 'CdtrAcct'] : ['Cdtr', 'CdtrAcct', 'CdtrAgt', 'DbtrAcct'];
    const accountId = (n: string) => (/^[A-Z]{2}\d{2}/.test(n) ? `<Id><IBAN>${n}</IBAN></Id>` : `<Id><Othr><Id>${n}</Id></Othr></Id>`);
    const other = e.iban ?? e.otherAccount;
    const agent = e.clearing
      ? `<FinInstnId><ClrSysMmbId><ClrSysId><Cd>${e.clearing.system}</Cd></ClrSysId><MmbId>${e.clearing.id}</MmbId></ClrSysMmbId></FinInstnId>`
      : '<FinInstnId><BICFI>INGBNL2AXXX</BICFI></FinInstnId>';
    return `
      <Ntry>
        <NtryRef>${e.ref}</NtryRef>
        <Amt Ccy="${e.currency}">${e.amount}</Amt>
        <CdtDbtInd>${e.direction ?? 'CRDT'}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-12-02</Dt></BookgDt>
        <ValDt><Dt>2026-12-02</Dt></ValDt>
        <AcctSvcrRef>${e.ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>${e.ref}</AcctSvcrRef><EndToEndId>${e.endToEndId ?? 'NOTPROVIDED'}</EndToEndId></Refs>
          <Amt Ccy="${e.currency}">${e.amount}</Amt>
          <CdtDbtInd>${e.direction ?? 'CRDT'}</CdtDbtInd>
          <RltdPties>
            ${!credit && e.ownAccount ? `<${ownTag}>${accountId(e.ownAccount)}</${ownTag}>` : ''}
            <${party}><Pty><Nm>${e.name ?? 'Sample Party'}</Nm></Pty></${party}>
            ${other ? `<${partyAccount}>${accountId(other)}</${partyAccount}>` : ''}
            ${credit && e.ownAccount ? `<${ownTag}>${accountId(e.ownAccount)}</${ownTag}>` : ''}
          </RltdPties>
          <RltdAgts><${partyAgent}>${agent}</${partyAgent}></RltdAgts>
          ${e.remittance ? `<RmtInf><Ustrd>${e.remittance}</Ustrd></RmtInf>` : ''}
          ${e.returnReason ? `<RtrInf><Rsn><Cd>${e.returnReason}</Cd></Rsn><AddtlInf>Returned by the receiving bank</AddtlInf></RtrInf>` : ''}
        </TxDtls></NtryDtls>
      </Ntry>`;
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-${id}</MsgId><CreDtTm>2026-12-02T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${id}</Id>
      <CreDtTm>2026-12-02T18:00:00</CreDtTm>
      <Acct><Id><IBAN>${MASTER}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>ABNANL2AXXX</BICFI></FinInstnId></Svcr></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-02</Dt></Dt></Bal>
      ${ntry}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

/** A BAI2 file for the merchant's US account: 16 records of [type code, amount in cents, bank reference, customer reference, text]. */
function bai2(account: string, records: [string, number, string, string, string][]): string {
  return [
    '01,CASHBANK,CASHBOOK,261202,0800,1,,,2/',
    '02,CASHBOOK,CASHBANK,1,261202,0800,USD,2/',
    `03,${account},USD,010,0,,/`,
    ...records.map(([type, amount, bankRef, customerRef, text]) => `16,${type},${amount},Z,${bankRef},${customerRef},${text}/`),
    `49,${records.reduce((sum, r) => sum + r[1], 0)},${records.length + 2}/`,
    '98,0,1,1/',
    '99,0,1,1/',
  ].join('\n');
}

/**
 * The customer's cash ledger in `currency`, oldest first, is `expected`; its ending_balance
 * chain holds, the balance is the sum of the net amounts; and the auditor finds no break.
 */
async function assertCash(stripe: Stripe, customer: string, currency: string, expected: [string, number][]): Promise<void> {
  const rows: Stripe.CustomerCashBalanceTransaction[] = [];
  for await (const row of stripe.customers.listCashBalanceTransactions(customer, { limit: 100 })) rows.push(row);
  const mine = rows.reverse().filter((row) => row.currency === currency);
  assert.deepEqual(mine.map((row) => [row.type, row.net_amount]), expected);
  let running = 0;
  for (const row of mine) {
    running += row.net_amount;
    assert.equal(row.ending_balance, running, `ending_balance of ${row.id} (${row.type})`);
    assert.equal(row.livemode, true);
  }
  const balance = await stripe.customers.retrieveCashBalance(customer);
  assert.equal(balance.available?.[currency] ?? 0, running, 'the balance is the sum of its net amounts');
  assert.equal(balance.livemode, true);
  await assertCashLedger(stripe, customer);
}

/** Events whose object is `id`, oldest first, as [type, status of the object]. */
async function eventsOf(stripe: Stripe, id: string): Promise<[string, string | undefined][]> {
  const events: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) {
    events.push(event);
    if (events.length >= 500) break;
  }
  return events
    .reverse()
    .filter((event) => (event.data.object as { id?: string }).id === id)
    .map((event) => [event.type, (event.data.object as { status?: string }).status]);
}

async function liveVirtualAccount(stripe: Stripe, customer: string, currency: 'eur' | 'usd'): Promise<string> {
  const { account, livemode } = await virtualAccount(stripe, customer, currency);
  assert.equal(livemode, true);
  return account;
}

/** The customer opens the link the merchant sent and submits the form (plain HTTP here; test/browser does it in Chromium). */
async function customerGivesDetails(live: Live, refund: Stripe.Refund, details: Record<string, string>, shown: RegExp): Promise<void> {
  const link = await live.api('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`);
  assert.equal(link.status, 200, JSON.stringify(link.body));
  assert.deepEqual([link.body.object, link.body.refund, link.body.livemode], ['refund_bank_details_link', refund.id, true]);
  assert.match(link.body.url, /\/refund_details\/live_[0-9A-Za-z]{32}$/);
  const page = await fetch(link.body.url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Cashbook Merchant is refunding you/);
  assert.match(html, shown);
  const submitted = await fetch(link.body.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(details).toString() });
  assert.equal(submitted.status, 200, await submitted.text());
  assert.equal((await live.stripe.refunds.retrieve(refund.id)).status, 'pending');
  const spent = await fetch(link.body.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(details).toString() });
  assert.equal(spent.status, 409, 'a link is used once');
}

async function newFile(live: Live, currency: string): Promise<{ id: string; livemode: boolean; format: string; count: number; amount: number; refunds: string[]; unmatched_transfers: string[] }> {
  const created = await live.api('POST', '/cashbook/v1/outbound_transfer_files', `currency=${currency}`);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.equal(created.body.livemode, true);
  return created.body;
}

const text = (xml: string, element: string) => [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);

/** The CdtTrfTxInf of `endToEndId` in a pain.001, field by field. */
function payment(xml: string, endToEndId: string): { amount: string; name: string; iban: string | undefined; remittance: string } {
  const block = [...xml.matchAll(/<CdtTrfTxInf>([\s\S]*?)<\/CdtTrfTxInf>/g)].map((m) => m[1]).find((b) => b.includes(`<EndToEndId>${endToEndId}</EndToEndId>`));
  assert.ok(block, `a payment with end-to-end id ${endToEndId}`);
  assert.deepEqual(text(block, 'InstrId'), [endToEndId]);
  return { amount: text(block, 'InstdAmt')[0], name: text(block, 'Nm')[0], iban: text(block, 'IBAN')[0], remittance: text(block, 'Ustrd')[0] };
}

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
    assert.deepEqual(text(xml, 'MsgId'), [file.id]);
    assert.deepEqual(text(xml, 'CtrlSum'), ['40.00', '40.00']);
    assert.equal(text(xml, 'IBAN')[0], MASTER, 'paid from the merchant account');
    assert.deepEqual(payment(xml, refund.id), { amount: '40.00', name: 'Jenny Rosen', iban: 'DE89370400440532013000', remittance: `Return of your balance ${refund.id.replace('_', ' ')}` }, 'remittance in the SEPA character set (no _)');
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
    const intent = await stripe.paymentIntents.create({
      amount: 3_000,
      currency: 'usd',
      customer: customer.id,
      payment_method_types: ['customer_balance'],
      payment_method_data: { type: 'customer_balance' },
      payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'us_bank_transfer' } } },
      confirm: true,
    } as Stripe.PaymentIntentCreateParams);
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
    await assertCash(stripe, customer.id, 'usd', [['funded', 5_000], ['applied_to_payment', -3_000]]);
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
    assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'unknown']);
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
});
