// Bank statements in, through the public API: real-shaped camt.053 (.02 and .08), camt.054,
// MT940 and BAI2 files route credits to the virtual accounts Cashbook issued, exactly once;
// what routes nowhere is kept as an unmatched transfer; reversals, refused files, another
// account's key; and money out closes its loop: a debit naming a refund settles it, a
// returned payment fails it and gives the money back.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { createAccount } from '../../src/resources/accounts/service.ts';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent } from './payments-helpers.ts';
import { assertBooks } from './refund-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';

async function importFile(server: TestServer, body: string, key = server.key, type = 'application/xml'): Promise<{ status: number; body: Statement }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': type }, body });
  return { status: reply.status, body: (await reply.json()) as Statement };
}

interface CamtEntry {
  amount: string;
  currency: string;
  direction?: 'CRDT' | 'DBIT';
  status?: 'BOOK' | 'PDNG' | 'INFO';
  creditorAccount?: string;
  debtorName?: string;
  debtorIban?: string;
  /** The sender's account when it is no IBAN (DbtrAcct/Id/Othr/Id). */
  debtorAccount?: string;
  /** The sender's bank by clearing code (DbtrAgt/FinInstnId/ClrSysMmbId) instead of a BIC. */
  debtorClearing?: { system: 'GBDSC' | 'USABA'; id: string };
  endToEndId?: string;
  ref?: string;
  remittance?: string;
  reversal?: boolean;
  returnReason?: string;
}

/** A camt.053 (or .054) as banks write them; `version` picks the element names of that version. */
function camt(kind: '053' | '054', version: '02' | '04' | '08', account: string, entries: CamtEntry[], id = `STMT-${Math.random().toString(36).slice(2)}`): string {
  const modern = version === '08';
  const sts = (s: string) => (modern ? `<Sts><Cd>${s}</Cd></Sts>` : `<Sts>${s}</Sts>`);
  const name = (n: string) => (modern ? `<Pty><Nm>${n}</Nm></Pty>` : `<Nm>${n}</Nm>`);
  const bic = (b: string) => (version === '02' ? `<BIC>${b}</BIC>` : `<BICFI>${b}</BICFI>`);
  const ntry = entries.map((e) => {
    const credit = (e.direction ?? 'CRDT') === 'CRDT';
    const own = e.creditorAccount ? (/^[A-Z]{2}\d{2}/.test(e.creditorAccount) ? `<Id><IBAN>${e.creditorAccount}</IBAN></Id>` : `<Id><Othr><Id>${e.creditorAccount}</Id></Othr></Id>`) : '';
    const senderId = e.debtorIban ? `<Id><IBAN>${e.debtorIban}</IBAN></Id>` : e.debtorAccount ? `<Id><Othr><Id>${e.debtorAccount}</Id></Othr></Id>` : '';
    const counter = `${credit ? '<Dbtr>' : '<Cdtr>'}${name(e.debtorName ?? 'Sample Sender BV')}${credit ? '</Dbtr>' : '</Cdtr>'}${senderId ? `${credit ? '<DbtrAcct>' : '<CdtrAcct>'}${senderId}${credit ? '</DbtrAcct>' : '</CdtrAcct>'}` : ''}`;
    const agent = e.debtorClearing ? `<ClrSysMmbId><ClrSysId><Cd>${e.debtorClearing.system}</Cd></ClrSysId><MmbId>${e.debtorClearing.id}</MmbId></ClrSysMmbId>` : bic('INGBNL2AXXX');
    const ownAccount = own ? (credit ? `<CdtrAcct>${own}</CdtrAcct>` : `<DbtrAcct>${own}</DbtrAcct>`) : '';
    return `
      <Ntry>
        <Amt Ccy="${e.currency}">${e.amount}</Amt>
        <CdtDbtInd>${e.direction ?? 'CRDT'}</CdtDbtInd>
        ${e.reversal ? '<RvslInd>true</RvslInd>' : ''}
        ${sts(e.status ?? 'BOOK')}
        <BookgDt><Dt>2026-12-01</Dt></BookgDt>
        <ValDt><Dt>2026-12-01</Dt></ValDt>
        ${e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : ''}
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs>${e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : ''}<EndToEndId>${e.endToEndId ?? 'NOTPROVIDED'}</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="${e.currency}">${e.amount}</Amt></TxAmt></AmtDtls>
          <RltdPties>${counter}${ownAccount}</RltdPties>
          <RltdAgts><${credit ? 'DbtrAgt' : 'CdtrAgt'}><FinInstnId>${agent}</FinInstnId></${credit ? 'DbtrAgt' : 'CdtrAgt'}></RltdAgts>
          ${e.remittance ? `<RmtInf><Ustrd>${e.remittance}</Ustrd></RmtInf>` : ''}
          ${e.returnReason ? `<RtrInf><Rsn><Cd>${e.returnReason}</Cd></Rsn></RtrInf>` : ''}
        </TxDtls></NtryDtls>
      </Ntry>`;
  }).join('');
  const root = kind === '053' ? 'BkToCstmrStmt' : 'BkToCstmrDbtCdtNtfctn';
  const report = kind === '053' ? 'Stmt' : 'Ntfctn';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.${version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <${root}>
    <GrpHdr><MsgId>MSG-${id}</MsgId><CreDtTm>2026-12-01T18:00:00</CreDtTm></GrpHdr>
    <${report}>
      <Id>${id}</Id>
      <CreDtTm>2026-12-01T18:00:00</CreDtTm>
      <Acct><Id><IBAN>${account}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId>${bic('CASHNL2AXXX')}</FinInstnId></Svcr></Acct>
      ${kind === '053' ? `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-01</Dt></Dt></Bal>` : ''}
      ${ntry}
    </${report}>
  </${root}>
</Document>`;
}

const MASTER = 'NL91ABNA0417164300'; // the merchant's collection account the virtual IBANs sit under

describeEachStore('bank statements in', (server) => {
  it('camt.053.001.02: funds the customer of a virtual IBAN once; unknown accounts, other currencies, pending entries and foreign debits are kept or ignored', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ email: 'camt@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const file = camt('053', '02', MASTER, [
      { amount: '125.00', currency: 'EUR', creditorAccount: account, debtorName: 'Jenny Rosen', debtorIban: 'DE89370400440532013000', ref: 'BANKREF-1', endToEndId: 'E2E-1', remittance: 'Invoice 42' },
      { amount: '9.99', currency: 'EUR', creditorAccount: 'NL02ABNA0123456789', ref: 'BANKREF-2' },
      { amount: '10.00', currency: 'GBP', creditorAccount: account, ref: 'BANKREF-3' },
      { amount: '5.00', currency: 'EUR', creditorAccount: account, status: 'PDNG', ref: 'BANKREF-4' },
      { amount: '42.00', currency: 'EUR', direction: 'DBIT', ref: 'BANKREF-5' },
      { amount: '0.00', currency: 'EUR', creditorAccount: account, ref: 'BANKREF-6' },
      { amount: '3.00', currency: 'CHF', creditorAccount: 'CH9300762011623852957', ref: 'BANKREF-7' },
    ]);
    const first = await importFile(s, file);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.match(first.body.id, /^bstmt_/);
    assert.deepEqual([first.body.object, first.body.format], ['bank_statement', 'camt.053']);
    assert.deepEqual(first.body.lines.map((l) => [l.status, l.amount, l.currency, l.direction]), [
      ['funded', 12_500, 'eur', 'credit'],
      ['unmatched', 999, 'eur', 'credit'],
      ['unmatched', 1_000, 'gbp', 'credit'],
      ['ignored', 500, 'eur', 'credit'],
      ['ignored', 4_200, 'eur', 'debit'],
      ['ignored', 0, 'eur', 'credit'],
      ['unmatched', 300, 'chf', 'credit'],
    ]);
    const funded = first.body.lines[0];
    assert.equal(funded.customer, customer.id);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 12_500);
    const entry = await stripe.customers.retrieveCashBalanceTransaction(customer.id, funded.cash_balance_transaction!);
    assert.equal(entry.type, 'funded');
    assert.deepEqual(entry.funded?.bank_transfer, { type: 'eu_bank_transfer', reference: 'Invoice 42', eu_bank_transfer: { bic: 'INGBNL2AXXX', iban_last4: '3000', sender_name: 'Jenny Rosen' } } as unknown);
    assert.match(first.body.lines[2].reason!, /takes EUR, not GBP/);

    const again = await importFile(s, file);
    assert.deepEqual(again.body.lines.map((l) => l.status), ['duplicate', 'duplicate', 'duplicate', 'ignored', 'duplicate', 'ignored', 'duplicate']);
    // A currency no cash balance holds cannot be assigned to a customer.
    const chf = await s.request('POST', `/cashbook/v1/unmatched_transfers/${first.body.lines[6].unmatched_transfer}/assign`, { form: `customer=${customer.id}` });
    assert.deepEqual([chf.status, (chf.body as { error?: { param?: string } }).error?.param], [400, 'currency']);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 12_500, 'the same file twice books once');
    const listed = (await s.request('GET', '/cashbook/v1/bank_statements?limit=2')).body as { data: Statement[] };
    assert.deepEqual(listed.data.map((x) => x.id), [again.body.id, first.body.id]);
    assert.deepEqual((await s.request('GET', `/cashbook/v1/bank_statements/${first.body.id}`)).body, first.body);

    // The unknown account's credit waits; assigning it funds the customer, once.
    const unmatched = first.body.lines[1].unmatched_transfer!;
    const open = (await s.request('GET', '/cashbook/v1/unmatched_transfers?status=open&limit=100')).body as { data: { id: string }[] };
    assert.ok(open.data.some((t) => t.id === unmatched));
    const assigned = await s.request('POST', `/cashbook/v1/unmatched_transfers/${unmatched}/assign`, { form: `customer=${customer.id}` });
    assert.equal(assigned.status, 200);
    assert.equal((assigned.body as { status: string }).status, 'assigned');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 12_500 + 999);
    const twice = await s.request('POST', `/cashbook/v1/unmatched_transfers/${unmatched}/assign`, { form: `customer=${customer.id}` });
    assert.equal(twice.status, 400);
    // The GBP credit names its sender but no account: it cannot be sent back, and stays open.
    const gbpTransfer = first.body.lines[2].unmatched_transfer;
    const refused = await s.request('POST', `/cashbook/v1/unmatched_transfers/${gbpTransfer}/return`);
    assert.deepEqual([refused.status, (refused.body as { error?: { param?: string } }).error?.param], [400, 'id']);
    assert.match((refused.body as { error: { message: string } }).error.message, /cannot be sent back: the statement gives neither the sender's sort code and account number nor its IBAN/);
    assert.equal(((await s.request('GET', `/cashbook/v1/unmatched_transfers/${gbpTransfer}`)).body as { status: string }).status, 'open');
    await assertBooks(s);
  });

  it('camt.053.001.08 and camt.054.001.04: the newer names, an overlapping statement, and a reversal of an earlier funding', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const morning = camt('054', '04', MASTER, [{ amount: '300.50', currency: 'EUR', creditorAccount: account, ref: 'AM-1', endToEndId: 'PAY-77', debtorName: 'Acme BV' }]);
    const notified = await importFile(s, morning);
    assert.deepEqual([notified.body.format, notified.body.lines[0].status], ['camt.054', 'funded']);
    const evening = camt('053', '08', MASTER, [
      { amount: '300.50', currency: 'EUR', creditorAccount: account, ref: 'AM-1', endToEndId: 'PAY-77', debtorName: 'Acme BV' },
      { amount: '300.50', currency: 'EUR', direction: 'DBIT', reversal: true, creditorAccount: account, ref: 'AM-2', endToEndId: 'PAY-77' },
      { amount: '1.00', currency: 'EUR', direction: 'DBIT', reversal: true, creditorAccount: account, ref: 'AM-3', endToEndId: 'NOPE' },
    ]);
    const statement = await importFile(s, evening);
    assert.deepEqual(statement.body.lines.map((l) => l.status), ['duplicate', 'reversed', 'unmatched']);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0);
    const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 10 })).data.map((r) => [r.type, r.net_amount]);
    assert.deepEqual(rows, [['funding_reversed', -30_050], ['funded', 30_050]]);
    await assertBooks(s);
  });

  it('a reversal after the money was spent books the overdraft correction in the same step', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'automatic' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    await importFile(s, camt('053', '08', MASTER, [{ amount: '50.00', currency: 'EUR', creditorAccount: account, ref: 'OD-1', endToEndId: 'OD-E2E' }]));
    const pi = await intent(stripe, customer.id, 5_000, { currency: 'eur' });
    assert.equal(pi.status, 'succeeded');
    const reversed = await importFile(s, camt('053', '08', MASTER, [{ amount: '50.00', currency: 'EUR', direction: 'DBIT', reversal: true, creditorAccount: account, ref: 'OD-2', endToEndId: 'OD-E2E' }]));
    assert.equal(reversed.body.lines[0].status, 'reversed');
    const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 3 })).data.map((r) => r.type);
    assert.deepEqual(rows, ['adjusted_for_overdraft', 'funding_reversed', 'applied_to_payment']);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0);
    await assertBooks(s);
  });

  it('MT940 routes by its :25: account and BAI2 by its 03 record; amounts stay exact', async () => {
    const s = server();
    const { stripe } = s;
    const us = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: usAccount, routing } = await virtualAccount(stripe, us.id, 'usd');
    const gb = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: gbAccount } = await virtualAccount(stripe, gb.id, 'gbp');
    const mt940 = [
      '{1:F01CASHGB2LAXXX0000000000}{2:O9401200261201CASHGB2LAXXX00000000002612011200N}{4:',
      ':20:STMT20261201',
      `:25:${gbAccount}`,
      ':28C:00001/001',
      ':60F:C261130GBP0,00',
      ':61:2612011201C1234,56NTRFNONREF//FPS-0001',
      ':86:FASTER PAYMENT FROM SAM SMITH REF ORDER 17',
      ':61:2612011201C0,01NTRFNONREF//FPS-0002',
      ':86:?20EREF+E2E-9?21SVWZ+Penny test?32SMITH LTD',
      ':61:2612011201D100,00NMSCNONREF//CHG-1',
      ':86:BANK CHARGES',
      ':62F:C261201GBP1134,57',
      '-}',
    ].join('\r\n');
    const imported = await importFile(s, mt940, s.key, 'text/plain');
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.lines.map((l) => [imported.body.format, l.status, l.amount]), [['mt940', 'funded', 123_456], ['mt940', 'funded', 1], ['mt940', 'ignored', 10_000]]);
    assert.equal(await balanceOf(stripe, gb.id, 'gbp'), 123_457);
    const penny = await stripe.customers.retrieveCashBalanceTransaction(gb.id, imported.body.lines[1].cash_balance_transaction!);
    assert.equal(penny.funded?.bank_transfer.reference, 'Penny test');
    assert.equal(penny.funded?.bank_transfer.gb_bank_transfer?.sender_name, 'SMITH LTD');

    const bai2 = [
      '01,CASHBANK,CASHBOOK,261201,0800,1,,,2/',
      '02,CASHBOOK,CASHBANK,1,261201,0800,USD,2/',
      `03,${usAccount},USD,010,0,,/`,
      '16,165,250000,Z,FED-778899,INV-2026-1,INCOMING WIRE FROM/',
      '88,ACME CORP',
      '16,495,1500,Z,FED-778900,,OUTGOING WIRE/',
      '16,195,99,0,ACH-1,,ACH CREDIT/',
      '49,251599,5/',
      '98,251599,1,7/',
      '99,251599,1,9/',
    ].join('\n');
    const bai = await importFile(s, bai2, s.key, 'text/plain');
    assert.equal(bai.status, 200, JSON.stringify(bai.body));
    assert.deepEqual(bai.body.lines.map((l) => [l.status, l.amount]), [['funded', 250_000], ['ignored', 1_500], ['funded', 99]]);
    assert.equal(bai.body.format, 'bai2');
    assert.equal(await balanceOf(stripe, us.id, 'usd'), 250_099);
    assert.ok(routing);
    await assertBooks(s);
  });

  it('a malformed file of any format is refused whole with a 400 and books nothing', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create();
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const good = { amount: '10.00', currency: 'EUR', creditorAccount: account, ref: 'BAD-OK' };
    const bad = [
      camt('053', '08', MASTER, [good, { amount: '1.005', currency: 'EUR', creditorAccount: account, ref: 'BAD-1' }]),
      camt('053', '08', MASTER, [good]).replace(/<CdtDbtInd>CRDT<\/CdtDbtInd>\s*<Sts>/, '<CdtDbtInd>X</CdtDbtInd><Sts>'),
      camt('053', '08', MASTER, [good]).replace('</Document>', ''),
      ':20:X\n:28C:1\n:60F:C261130EUR0,00\n:61:2612011201C1,00NTRFNONREF\n',
      `:20:X\n:25:${account}\n:60F:C261130EUR0,00\n:61:26120X1201C1,00NTRFNONREF\n`,
      `01,A,B,261201,0800,1,,,2/\n03,${account},EUR/\n16,165,10.00,Z,R,,X/\n`,
      'hello, this is not a statement',
    ];
    for (const file of bad) {
      const reply = await importFile(s, file, s.key, 'text/plain');
      assert.equal(reply.status, 400, `${file.slice(0, 300)}\n${JSON.stringify(reply.body).slice(0, 300)}`);
      assert.equal(reply.body.error?.type, 'invalid_request_error');
      assert.equal(reply.body.error?.param, 'file');
    }
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0, 'nothing in a refused file is booked');
    const empty = await importFile(s, '');
    assert.equal(empty.status, 400);
  });

  it('two imports of one file at once book it once; another account routes none of it', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const file = camt('053', '08', MASTER, Array.from({ length: 5 }, (_, i) => ({ amount: `${i + 1}.00`, currency: 'EUR', creditorAccount: account, ref: `CC-${i}` })));
    const both = await Promise.all([importFile(s, file), importFile(s, file)]);
    const statuses = both.flatMap((r) => r.body.lines.map((l) => l.status)).sort();
    assert.deepEqual(statuses, [...Array(5).fill('duplicate'), ...Array(5).fill('funded')]);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 1_500);
    const { key } = await createAccount(s.store, { now: Math.floor(Date.now() / 1000) });
    const other = await importFile(s, file, key);
    assert.deepEqual(other.body.lines.map((l) => l.status), Array(5).fill('unmatched'), "another account's key: these virtual accounts are not its own");
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 1_500);
  });

  it("returning an unmatched transfer pays the sender's account as the statement gives it, or is refused; the file's debit settles it, a reversal reopens it", async () => {
    const s = server();
    const { stripe } = s;
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=gbp&account_holder_name=Shop Ltd&iban=GB29NWBK60161331926819&bic=NWBKGB2L' });
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: 'currency=usd&account_holder_name=Shop Inc&routing_number=021000021&account_number=123456789' });
    const UNKNOWN = 'NL02ABNA0123456789';
    const camtFile = await importFile(s, camt('053', '08', MASTER, [
      { amount: '12.34', currency: 'GBP', creditorAccount: UNKNOWN, debtorName: 'Sam Smith', debtorAccount: '70872490', debtorClearing: { system: 'GBDSC', id: '40-47-84' }, ref: 'RET-1', remittance: 'Order 17' },
      { amount: '5.00', currency: 'USD', creditorAccount: UNKNOWN, debtorName: 'Acme Corp', debtorAccount: '000999888777', debtorClearing: { system: 'USABA', id: '011000015' }, ref: 'RET-2' },
      { amount: '6.00', currency: 'USD', creditorAccount: UNKNOWN, debtorName: 'No Routing Inc', debtorAccount: '12345678', ref: 'RET-3' },
      { amount: '3.00', currency: 'CHF', creditorAccount: UNKNOWN, debtorName: 'Swiss AG', debtorIban: 'CH9300762011623852957', ref: 'RET-4' },
    ]));
    assert.deepEqual(camtFile.body.lines.map((l) => l.status), ['unmatched', 'unmatched', 'unmatched', 'unmatched']);
    const mt940 = await importFile(s, [
      ':20:RETURNS1', ':25:GB29NWBK60161331926819', ':28C:00001/001', ':60F:C261130GBP0,00',
      ':61:2612011201C20,00NTRFNONREF//FPS-R1', ':86:?20SVWZ+Rent December?31GB82WEST12345698765432?32JANE DOE',
      ':61:2612011201C4,00NTRFNONREF//FPS-R2', ':86:FASTER PAYMENT FROM SOMEONE',
      ':62F:C261201GBP24,00', '-',
    ].join('\n'), s.key, 'text/plain');
    assert.deepEqual(mt940.body.lines.map((l) => l.status), ['unmatched', 'unmatched']);
    const bai = await importFile(s, '01,A,B,261201,0800,1,,,2/\n02,B,A,1,261201,0800,USD,2/\n03,99887766,USD/\n16,195,700,Z,ACH-R1,,ACH CREDIT/\n49,700,2/\n98,700,1,3/\n99,700,1,5/\n', s.key, 'text/plain');
    assert.equal(bai.body.lines[0].status, 'unmatched');
    const [sortCode, aba, noRouting, chf] = camtFile.body.lines.map((l) => l.unmatched_transfer!);
    const [gbIban, unstructured] = mt940.body.lines.map((l) => l.unmatched_transfer!);
    const bai2Transfer = bai.body.lines[0].unmatched_transfer!;

    const refusals: [string, RegExp][] = [
      [noRouting, /ABA routing number and account number/],
      [chf, /EUR, GBP and USD only, not CHF/],
      [unstructured, /does not name the sender/],
      [bai2Transfer, /does not name the sender/],
    ];
    for (const [id, message] of refusals) {
      const reply = await s.request('POST', `/cashbook/v1/unmatched_transfers/${id}/return`);
      const error = (reply.body as { error: { type: string; param?: string; message: string } }).error;
      assert.deepEqual([reply.status, error.type, error.param], [400, 'invalid_request_error', 'id'], id);
      assert.match(error.message, message);
      const after = (await s.request('GET', `/cashbook/v1/unmatched_transfers/${id}`)).body as { status: string; return_status: string | null };
      assert.deepEqual([after.status, after.return_status], ['open', null], 'a refused return changes nothing');
    }
    for (const id of [sortCode, aba, gbIban]) {
      const reply = await s.request('POST', `/cashbook/v1/unmatched_transfers/${id}/return`);
      assert.deepEqual([reply.status, (reply.body as { return_status: string }).return_status], [200, 'pending'], JSON.stringify(reply.body));
    }
    const pending = (await s.request('GET', '/cashbook/v1/unmatched_transfers?status=returned&limit=100')).body as { data: { id: string }[] };
    assert.deepEqual(pending.data.map((t) => t.id).sort(), [sortCode, aba, gbIban].sort());

    const gbp = (await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=gbp' })).body as { id: string; refunds: string[]; unmatched_transfers: string[]; amount: number };
    assert.deepEqual([gbp.refunds, [...gbp.unmatched_transfers].sort(), gbp.amount], [[], [sortCode, gbIban].sort(), 1_234 + 2_000]);
    const xml = await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${gbp.id}/content`, { headers: { authorization: `Bearer ${s.key}` } })).text();
    const block = (id: string) => [...xml.matchAll(/<CdtTrfTxInf>([\s\S]*?)<\/CdtTrfTxInf>/g)].map((m) => m[1]).find((b) => b.includes(`<EndToEndId>${id}</EndToEndId>`))!;
    assert.match(block(sortCode), /<InstdAmt Ccy="GBP">12\.34<\/InstdAmt><\/Amt><CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>GBDSC<\/Cd><\/ClrSysId><MmbId>404784<\/MmbId><\/ClrSysMmbId><\/FinInstnId><\/CdtrAgt><Cdtr><Nm>Sam Smith<\/Nm><\/Cdtr><CdtrAcct><Id><Othr><Id>70872490<\/Id>/);
    assert.match(block(sortCode), /<Ustrd>Return of your transfer Order 17<\/Ustrd>/);
    assert.match(block(gbIban), /<MmbId>123456<\/MmbId>.*<Nm>JANE DOE<\/Nm>.*<Id>98765432<\/Id>/, 'sort code and account number read out of the GB IBAN');
    const usd = (await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=usd' })).body as { id: string; unmatched_transfers: string[]; format: string };
    assert.deepEqual([usd.format, usd.unmatched_transfers], ['nacha', [aba]]);
    const nacha = await (await fetch(`${s.url}/cashbook/v1/outbound_transfer_files/${usd.id}/content`, { headers: { authorization: `Bearer ${s.key}` } })).text();
    const entry = nacha.split('\n').find((l) => l[0] === '6')!;
    assert.deepEqual([entry.slice(3, 12), entry.slice(12, 29).trim(), Number(entry.slice(29, 39)), entry.slice(54, 76).trim()], ['011000015', '000999888777', 500, 'ACME CORP']);

    // MT940: the debit names the transfer in EREF+ (settled); a later RD (reversal of that debit) brings it back.
    const settled = await importFile(s, [
      ':20:RETURNS2', ':25:GB29NWBK60161331926819', ':28C:00002/001', ':60F:C261201GBP24,00',
      ':61:2612021202D12,34NTRFNONREF//OUT-R1', `:86:?20EREF+${sortCode}?21SVWZ+Return?32Sam Smith`,
      ':61:2612021202D20,00NTRFNONREF//OUT-R2', `:86:?20EREF+${gbIban}?32JANE DOE`,
      ':62F:C261202GBP-8,34', '-',
    ].join('\n'), s.key, 'text/plain');
    assert.deepEqual(settled.body.lines.map((l) => [l.status, l.unmatched_transfer]), [['settled', sortCode], ['settled', gbIban]]);
    const bounced = await importFile(s, [
      ':20:RETURNS3', ':25:GB29NWBK60161331926819', ':28C:00003/001', ':60F:C261202GBP0,00',
      ':61:2612031203RD20,00NTRFNONREF//RTN-R2', `:86:?20EREF+${gbIban}?32JANE DOE`,
      ':62F:C261203GBP20,00', '-',
    ].join('\n'), s.key, 'text/plain');
    assert.deepEqual(bounced.body.lines.map((l) => [l.status, l.unmatched_transfer, l.reason]), [['returned', gbIban, 'reversed by the bank']]);
    const states = await Promise.all([sortCode, gbIban].map(async (id) => (await s.request('GET', `/cashbook/v1/unmatched_transfers/${id}`)).body as { status: string; return_status: string | null; outbound_transfer_file: string | null; return_failure_reason: string | null }));
    assert.deepEqual(states.map((t) => [t.status, t.return_status, t.outbound_transfer_file, t.return_failure_reason]), [['returned', 'settled', gbp.id, null], ['open', null, null, 'reversed by the bank']]);
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const assigned = await s.request('POST', `/cashbook/v1/unmatched_transfers/${gbIban}/assign`, { form: `customer=${customer.id}` });
    assert.equal(assigned.status, 200, 'the money that came back can be placed again');
    assert.equal(await balanceOf(stripe, customer.id, 'gbp'), 2_000);
    // A funding's gb_bank_transfer details carry the sender's sort code when the statement names it.
    const { account: gbAccount } = await virtualAccount(stripe, customer.id, 'gbp');
    const funded = await importFile(s, camt('053', '08', MASTER, [{ amount: '1.00', currency: 'GBP', creditorAccount: gbAccount, debtorName: 'Sam Smith', debtorAccount: '70872490', debtorClearing: { system: 'GBDSC', id: '404784' }, ref: 'RET-GB' }]));
    const fundedEntry = await stripe.customers.retrieveCashBalanceTransaction(customer.id, funded.body.lines[0].cash_balance_transaction!);
    assert.deepEqual(fundedEntry.funded?.bank_transfer.gb_bank_transfer, { account_number_last4: '2490', sender_name: 'Sam Smith', sort_code: '404784' } as unknown);
    await assertBooks(s);
  });

  it('money out closes its loop: a debit naming a refund settles it; a returned payment fails it and the money comes back', async () => {
    const s = server();
    const { stripe } = s;
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: `currency=eur&account_holder_name=Shop&iban=${MASTER}&bic=ABNANL2A` });
    const customer = await stripe.customers.create({ email: 'loop@example.com', cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    await fund(stripe, customer.id, 10_000, 'eur');
    const returns: Stripe.Refund[] = [];
    for (const amount of [1_000, 2_000]) {
      const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount });
      const link = (await s.request('POST', `/cashbook/v1/refunds/${refund.id}/bank_details_link`)).body as { url: string };
      await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'account_holder_name=Jenny+Rosen&iban=GB82WEST12345698765432' });
      returns.push(refund);
    }
    const created = await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const file = created.body as { refunds: string[] };
    assert.equal(file.refunds.length, 2);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 7_000);
    const paid = await importFile(s, camt('053', '08', MASTER, [
      { amount: '10.00', currency: 'EUR', direction: 'DBIT', endToEndId: returns[0].id, ref: 'OUT-1', creditorAccount: MASTER },
      { amount: '20.00', currency: 'EUR', direction: 'DBIT', endToEndId: returns[1].id, ref: 'OUT-2', creditorAccount: MASTER },
    ]));
    assert.deepEqual(paid.body.lines.map((l) => [l.status, l.refund]), [['settled', returns[0].id], ['settled', returns[1].id]]);
    assert.equal((await stripe.refunds.retrieve(returns[0].id)).status, 'succeeded');
    const bounced = await importFile(s, camt('053', '08', MASTER, [
      { amount: '20.00', currency: 'EUR', endToEndId: returns[1].id, ref: 'RTN-1', creditorAccount: MASTER, returnReason: 'AC04' },
    ]));
    assert.deepEqual(bounced.body.lines.map((l) => [l.status, l.refund]), [['returned', returns[1].id]]);
    const failed = await stripe.refunds.retrieve(returns[1].id);
    assert.equal(failed.status, 'failed');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 9_000, 'the returned money is back in the cash balance');
    const events = (await stripe.events.list({ type: 'refund.failed', limit: 1 })).data;
    assert.equal((events[0].data.object as Stripe.Refund).id, returns[1].id);
    await assertBooks(s);
  });
});
