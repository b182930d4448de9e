// Helpers of the live money-out suites (test/integration/live-money-out.test.ts and the
// refund page's chromium test): a live account, the statements its bank would send (camt.053,
// MT940, BAI2), the customer's cash ledger checked step by step, and the payment file read
// field by field (not a test file).
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { createAccount } from '../../src/resources/accounts/service.ts';
import { assertCashLedger } from '../support/invariants.ts';
import { sdk, type TestServer } from '../support/server.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';

export const MASTER = 'NL91ABNA0417164300'; // the merchant's own account, which the virtual IBANs sit under

export interface Live {
  s: TestServer;
  stripe: Stripe;
  key: string;
  /** A Cashbook route with the live key; form-encoded body. */
  api(method: string, path: string, form?: string): Promise<{ status: number; body: any }>;
  importStatement(body: string): Promise<Statement>;
  content(fileId: string): Promise<string>;
}

/** The ranges the merchant's bank issued virtual accounts in (live mode issues none without one). */
export const LIVE_RANGES = [
  'type=eu_bank_transfer&country=NL&bank_name=ABN AMRO Bank N.V.&bic=ABNANL2AXXX&prefix=ABNA04',
  'type=eu_bank_transfer&country=DE&bank_name=Deutsche Bank AG&bic=DEUTDEFFXXX&prefix=5007001012',
  'type=gb_bank_transfer&bank_name=Barclays Bank UK PLC&sort_code=20-00-00&prefix=73',
  'type=us_bank_transfer&bank_name=JPMorgan Chase Bank, N.A.&routing_number=021000021&bic=CHASUS33XXX&prefix=8888&account_number_length=12',
];

/** A live account; its bank's ranges set unless `ranges` is false. */
export async function liveAccount(s: TestServer, options: { ranges?: boolean } = {}): Promise<Live> {
  const { key } = await createAccount(s.store, { livemode: true, now: Math.floor(Date.now() / 1000) });
  assert.match(key, /^sk_live_/);
  const stripe = sdk(s.url, key);
  const api = (method: string, path: string, form?: string) => s.request(method, path, { headers: { authorization: `Bearer ${key}` }, ...(form !== undefined ? { form } : {}) });
  for (const range of options.ranges === false ? [] : LIVE_RANGES) {
    const set = await api('POST', '/cashbook/v1/virtual_account_ranges', encodeURI(range).replace(/,/g, '%2C'));
    assert.equal(set.status, 200, JSON.stringify(set.body));
  }
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

export interface Entry {
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
  /** camt RvslInd: the bank reversed the entry (a CRDT reversal undoes one of our debits). */
  reversal?: boolean;
}

let statements = 0;

/** A camt.053.001.08 end-of-day statement of the merchant's account, as banks write it. */
export function camt053(entries: Entry[]): string {
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
        ${e.reversal ? '<RvslInd>true</RvslInd>' : ''}
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
export function bai2(account: string, records: [string, number, string, string, string][]): string {
  return [
    '01,CASHBANK,CASHBOOK,261202,0800,1,,,2/',
    '02,CASHBOOK,CASHBANK,1,261202,0800,USD,2/',
    `03,${account},USD,010,0,,/`,
    ...records.map(([type, amount, bankRef, customerRef, text]) => `16,${type},${amount},Z,${bankRef},${customerRef},${text}/`),
    `49,${records.reduce((sum, r) => sum + r[1], 0)},${records.length + 2}/`,
    `98,${records.reduce((sum, r) => sum + r[1], 0)},1,${records.length + 4}/`,
    `99,${records.reduce((sum, r) => sum + r[1], 0)},1,${records.length + 6}/`,
  ].join('\n');
}

/**
 * The customer's cash ledger in `currency`, oldest first, is `expected`; its ending_balance
 * chain holds, the balance is the sum of the net amounts; and the auditor finds no break.
 */
export async function assertCash(stripe: Stripe, customer: string, currency: string, expected: [string, number][]): Promise<void> {
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
export async function eventsOf(stripe: Stripe, id: string): Promise<[string, string | undefined][]> {
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

export async function liveVirtualAccount(stripe: Stripe, customer: string, currency: 'eur' | 'usd'): Promise<string> {
  const { account, livemode } = await virtualAccount(stripe, customer, currency);
  assert.equal(livemode, true);
  return account;
}

/** The customer opens the link the merchant sent and submits the form (plain HTTP here; test/browser does it in Chromium). */
export async function customerGivesDetails(live: Live, refund: Stripe.Refund, details: Record<string, string>, shown: RegExp): Promise<void> {
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

export async function newFile(live: Live, currency: string): Promise<{ id: string; livemode: boolean; format: string; count: number; amount: number; refunds: string[]; unmatched_transfers: string[] }> {
  const created = await live.api('POST', '/cashbook/v1/outbound_transfer_files', `currency=${currency}`);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.equal(created.body.livemode, true);
  return created.body;
}

export const text = (xml: string, element: string) => [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);

/** The CdtTrfTxInf of `endToEndId` in a pain.001, field by field. */
export function payment(xml: string, endToEndId: string): { amount: string; name: string; iban: string | undefined; remittance: string } {
  const block = [...xml.matchAll(/<CdtTrfTxInf>([\s\S]*?)<\/CdtTrfTxInf>/g)].map((m) => m[1]).find((b) => b.includes(`<EndToEndId>${sepaId(endToEndId)}</EndToEndId>`));
  assert.ok(block, `a payment with end-to-end id ${endToEndId}`);
  assert.deepEqual(text(block, 'InstrId'), [sepaId(endToEndId)]);
  return { amount: text(block, 'InstdAmt')[0], name: text(block, 'Nm')[0], iban: text(block, 'IBAN')[0], remittance: text(block, 'Ustrd')[0] };
}


/** A Cashbook id as a pain.001 carries it: `-` for `_`, which is outside SEPA's character set. */
export const sepaId = (id: string) => id.replace('_', '-');

/** The :62F: of an MT940 that opened at zero: its lines' sum (C and RD add, D and RC take away). */
function closingBalance(currency: string, lines: [string, string][]): string {
  const cents = lines.reduce((sum, [mark, amount]) => {
    const [whole, fraction = ''] = amount.split(',');
    const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
    return sum + (mark === 'C' || mark === 'RD' ? value : -value);
  }, 0);
  const abs = Math.abs(cents);
  return `:62F:${cents < 0 ? 'D' : 'C'}261204${currency}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** An MT940 statement of the merchant's account: each line [mark (C, D, RC, RD), amount "12,34", bank reference, EREF end-to-end id, name]. */
export function mt940(account: string, currency: string, lines: [string, string, string, string, string][]): string {
  const id = `LIVE-MT-${++statements}`;
  return [
    `:20:${id}`, `:25:${account}`, ':28C:00001/001', `:60F:C261203${currency}0,00`,
    ...lines.flatMap(([mark, amount, ref, endToEndId, name]) => [`:61:2612041204${mark}${amount}NTRFNONREF//${ref}`, `:86:?20EREF+${endToEndId}?32${name}`]),
    closingBalance(currency, lines.map(([mark, amount]) => [mark, amount])), '-',
  ].join('\n');
}

export interface ExpectedPain001 {
  messageId: string;
  currency: 'EUR' | 'GBP';
  debtor: { name: string; iban: string; bic: string };
  /** In file order; amounts as the file writes them ("40.00"). */
  payments: { endToEndId: string; amount: string; name: string; iban: string }[];
}

/** A pain.001 of IBAN payments, field by field: counts, control sums, service level, charges, agents, currency, accounts, names, ids, amounts. */
export function assertPain001(xml: string, expected: ExpectedPain001): void {
  const cents = expected.payments.reduce((sum, p) => sum + Number(p.amount.replace('.', '')), 0);
  const total = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const count = String(expected.payments.length);
  assert.deepEqual(text(xml, 'MsgId'), [sepaId(expected.messageId)], 'MsgId');
  assert.deepEqual(text(xml, 'PmtInfId'), [sepaId(expected.messageId)], 'PmtInfId');
  assert.deepEqual(text(xml, 'NbOfTxs'), [count, count], 'NbOfTxs of the group header and of the payment block');
  assert.deepEqual(text(xml, 'CtrlSum'), [total, total], 'CtrlSum of the group header and of the payment block');
  assert.match(xml, expected.currency === 'EUR' ? /<PmtTpInf><SvcLvl><Cd>SEPA<\/Cd><\/SvcLvl><\/PmtTpInf>/ : /^(?![\s\S]*<SvcLvl>)/, 'SvcLvl SEPA for EUR only');
  assert.deepEqual(text(xml, 'ChrgBr'), [expected.currency === 'EUR' ? 'SLEV' : 'SHAR'], 'ChrgBr');
  assert.deepEqual(text(xml, 'BICFI'), [expected.debtor.bic], "BICFI: the merchant's bank only");
  assert.deepEqual([...xml.matchAll(/<InstdAmt Ccy="([^"]*)">/g)].map((m) => m[1]), expected.payments.map(() => expected.currency), 'Ccy of every InstdAmt');
  assert.deepEqual(text(xml, 'IBAN'), [expected.debtor.iban, ...expected.payments.map((p) => p.iban)], 'IBAN: the debtor, then each creditor');
  assert.deepEqual(text(xml, 'Nm'), [expected.debtor.name, expected.debtor.name, ...expected.payments.map((p) => p.name)], 'Nm: initiating party, debtor, each creditor');
  assert.deepEqual(text(xml, 'EndToEndId'), expected.payments.map((p) => sepaId(p.endToEndId)), 'EndToEndId');
  assert.deepEqual(text(xml, 'InstrId'), expected.payments.map((p) => sepaId(p.endToEndId)), 'InstrId');
  assert.deepEqual(text(xml, 'InstdAmt'), expected.payments.map((p) => p.amount), 'InstdAmt');
}
