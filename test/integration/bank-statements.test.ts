// Bank statements in, through the public API: real-shaped camt.053 and camt.054 (every version
// .02 to .08, test/integration/camt-fixture.ts), MT940/MT942 (several statements in one file)
// and BAI2 files route credits to the virtual accounts Cashbook issued, exactly once;
// what routes nowhere is kept as an unmatched transfer; reversals, refused files, another
// account's key; and money out closes its loop: a debit naming a refund settles it, a
// returned payment fails it and gives the money back.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { createAccount, DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { legacyIdentity } from '../../src/resources/bank-statements/service.ts';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent } from './payments-helpers.ts';
import { assertBooks } from './refund-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';
import { camt, CAMT_VERSIONS } from './camt-fixture.ts';

async function importFile(server: TestServer, body: string, key = server.key, type = 'application/xml'): Promise<{ status: number; body: Statement }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': type }, body });
  return { status: reply.status, body: (await reply.json()) as Statement };
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
    // A currency no cash balance holds cannot be assigned to a customer (nor paid back: the transfer is the problem, not a param the request sent).
    const chf = await s.request('POST', `/cashbook/v1/unmatched_transfers/${first.body.lines[6].unmatched_transfer}/assign`, { form: `customer=${customer.id}` });
    assert.deepEqual([chf.status, (chf.body as { error?: { param?: string } }).error?.param], [400, 'id']);
    assert.match((chf.body as { error: { message: string } }).error.message, /in CHF, which Cashbook can neither hold in a cash balance .* nor pay back in a payment file/);
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
    const kept = (await s.request('GET', `/cashbook/v1/unmatched_transfers/${gbpTransfer}`)).body as { status: string; booking_date: string | null };
    assert.equal(kept.status, 'open');
    assert.equal(kept.booking_date, (first.body.lines[2] as { booking_date: string | null }).booking_date, "the statement line's booking date");
    assert.match(kept.booking_date ?? '', /^\d{4}-\d{2}-\d{2}$/);
    // A day no calendar has is kept on the line as the file wrote it, and is no transfer's booking date.
    const odd = (await importFile(s, camt('053', '08', 'DE02120300000000202051', [{ amount: '3.00', currency: 'EUR', creditorAccount: 'DE02120300000000202051', debtorName: 'Odd Date', debtorIban: 'DE89370400440532013000', ref: `ODD-${Date.now()}`, bookingDate: '2026-13-45' }]))).body;
    assert.equal(odd.lines[0].booking_date, '2026-13-45');
    assert.equal(((await s.request('GET', `/cashbook/v1/unmatched_transfers/${odd.lines[0].unmatched_transfer}`)).body as { booking_date: string | null }).booking_date, null);
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
      [chf, /in CHF, which Cashbook can neither hold in a cash balance .* handle it outside Cashbook/],
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
    const block = (id: string) => [...xml.matchAll(/<CdtTrfTxInf>([\s\S]*?)<\/CdtTrfTxInf>/g)].map((m) => m[1]).find((b) => b.includes(`<EndToEndId>${id.replace("_", "-")}</EndToEndId>`))!; // the file carries ubt-… for ubt_…
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
      ':62F:D261202GBP8,34', '-',
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
    assert.equal(bounced.body.lines[0].reason, 'returned by the receiving bank (AC04)', 'the bank code stays on the line');
    const failed = await stripe.refunds.retrieve(returns[1].id);
    assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'expired_or_canceled_card'], 'AC04 (account closed)');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 9_000, 'the returned money is back in the cash balance');
    const events = (await stripe.events.list({ type: 'refund.failed', limit: 1 })).data;
    assert.equal((events[0].data.object as Stripe.Refund).id, returns[1].id);
    await assertBooks(s);
  });

  it('camt.053 and camt.054 in every version .001.02 to .001.08 fund with the sender details; pending and information-only entries are ignored with their reason', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const seen: string[] = [];
    for (const kind of ['053', '054'] as const) {
      for (const version of CAMT_VERSIONS) {
        const tag = `${kind}.${version}`;
        const imported = await importFile(s, camt(kind, version, MASTER, [
          { amount: '12.34', currency: 'EUR', creditorAccount: account, debtorName: `Sender ${tag}`, debtorIban: 'DE89370400440532013000', ref: `V-${tag}`, endToEndId: `E2E-${tag}`, remittance: `Invoice ${tag}` },
          { amount: '1.00', currency: 'EUR', creditorAccount: account, status: 'PDNG', ref: `VP-${tag}` },
          { amount: '2.00', currency: 'EUR', creditorAccount: account, status: 'INFO', ref: `VI-${tag}` },
        ]));
        assert.equal(imported.status, 200, `${tag}: ${JSON.stringify(imported.body)}`);
        assert.equal(imported.body.format, `camt.${kind}`);
        assert.deepEqual(imported.body.lines.map((l) => [l.status, l.customer, l.reason]), [
          ['funded', customer.id, null],
          ['ignored', null, 'pending entry: imported again once booked'],
          ['ignored', null, 'information only'],
        ], tag);
        const entry = await stripe.customers.retrieveCashBalanceTransaction(customer.id, imported.body.lines[0].cash_balance_transaction!);
        assert.deepEqual([entry.net_amount, entry.funded?.bank_transfer], [1_234, { type: 'eu_bank_transfer', reference: `Invoice ${tag}`, eu_bank_transfer: { bic: 'INGBNL2AXXX', iban_last4: '3000', sender_name: `Sender ${tag}` } }], tag);
        seen.push(tag);
      }
    }
    assert.equal(seen.length, 14);
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 14 * 1_234);
    await assertBooks(s);
  });

  it('MT940 with two statements funds each line to its own statement account in its currency (the sort code read from a GB IBAN in ?31); MT942 reads its currency from :34F:', async () => {
    const s = server();
    const { stripe } = s;
    const alice = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: ibanA } = await virtualAccount(stripe, alice.id, 'eur');
    const bob = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: gbAccount, sortCode } = await virtualAccount(stripe, bob.id, 'gbp');
    const file = [
      '{1:F01CASHNL2AXXX0000000000}{2:O9401200261201CASHNL2AXXX00000000002612011200N}{4:',
      ':20:STMT-A', `:25:${ibanA}`, ':28C:00001/001', ':60F:C261130EUR0,00',
      ':61:2612011201C10,00NTRFNONREF//MS-A1', ':86:?20SVWZ+Order A?32ALICE BV',
      ':62F:C261201EUR10,00', '-}',
      '{1:F01CASHGB2LAXXX0000000000}{2:O9401200261201CASHGB2LAXXX00000000002612011200N}{4:',
      ':20:STMT-B', `:25:${sortCode}/${gbAccount}`, ':28C:00001/001', ':60F:C261130GBP0,00',
      ':61:2612011201C20,00NTRFNONREF//MS-B1', ':86:?20SVWZ+Order B?31GB82WEST12345698765432?32BOB LTD',
      ':62F:C261201GBP20,00', '-}',
    ].join('\r\n');
    const imported = await importFile(s, file, s.key, 'text/plain');
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual([imported.body.statement_id, imported.body.account], ['STMT-A', ibanA]);
    assert.deepEqual(imported.body.lines.map((l) => [l.status, l.customer, l.currency, l.amount]), [['funded', alice.id, 'eur', 1_000], ['funded', bob.id, 'gbp', 2_000]]);
    assert.deepEqual(await Promise.all([balanceOf(stripe, alice.id, 'eur'), balanceOf(stripe, alice.id, 'gbp'), balanceOf(stripe, bob.id, 'gbp')]), [1_000, 0, 2_000]);
    const gb = await stripe.customers.retrieveCashBalanceTransaction(bob.id, imported.body.lines[1].cash_balance_transaction!);
    assert.deepEqual(gb.funded?.bank_transfer, { type: 'gb_bank_transfer', reference: 'Order B', gb_bank_transfer: { account_number_last4: '5432', sender_name: 'BOB LTD', sort_code: '123456' } } as unknown);

    const mt942 = [
      '{1:F01CASHNL2AXXX0000000000}{2:O9421015261201CASHNL2AXXX00000000002612011015N}{4:',
      ':20:INTRADAY-1', `:25:${ibanA}`, ':28C:00002/001', ':34F:EURD0,', ':34F:EURC0,', ':13D:2612011015+0100',
      ':61:2612011201C15,00NTRFNONREF//MT942-1', ':86:?20SVWZ+Intraday 1?32ALICE BV',
      ':90D:0EUR0,', ':90C:1EUR15,00', '-}',
    ].join('\r\n');
    const interim = await importFile(s, mt942, s.key, 'text/plain');
    assert.equal(interim.status, 200, JSON.stringify(interim.body));
    assert.deepEqual(interim.body.lines.map((l) => [interim.body.format, l.status, l.customer, l.currency, l.amount, l.bank_reference]), [['mt942', 'funded', alice.id, 'eur', 1_500, 'MT942-1']]);
    assert.equal(await balanceOf(stripe, alice.id, 'eur'), 2_500);
    // A statement without its currency is refused whole, the other statement's lines with it.
    const refused = await importFile(s, file.replace(':60F:C261130GBP0,00', ':28D:1'), s.key, 'text/plain');
    assert.deepEqual([refused.status, refused.body.error?.param], [400, 'file']);
    assert.match(refused.body.error!.message, /MT940 statement 2: the currency/);
    assert.equal(await balanceOf(stripe, alice.id, 'eur'), 2_500);
    await assertBooks(s);
  });

  it('a reversal that matches no funding is an unmatched line with a reason, never a transfer to assign or return; one kept so before the fix is refused', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    await importFile(s, camt('053', '08', MASTER, [{ amount: '50.00', currency: 'EUR', creditorAccount: account, ref: 'UR-F', endToEndId: 'KEEP-1' }]));
    const reversals = await importFile(s, camt('053', '08', MASTER, [
      { amount: '50.00', currency: 'EUR', direction: 'DBIT', reversal: true, creditorAccount: account, ref: 'UR-1', endToEndId: 'NO-SUCH' },
      { amount: '40.00', currency: 'EUR', direction: 'DBIT', reversal: true, creditorAccount: account, ref: 'UR-2', endToEndId: 'KEEP-1' },
    ]));
    const mt940 = await importFile(s, [':20:UR-3', `:25:${account}`, ':28C:1/1', ':60F:C261201EUR50,00', ':61:2612021202RC50,00NTRFNO-SUCH-2//UR-3', ':86:?20EREF+NO-SUCH-2?32SOMEONE', ':62F:C261202EUR0,00', '-'].join('\n'), s.key, 'text/plain');
    for (const line of [...reversals.body.lines, ...mt940.body.lines]) {
      assert.deepEqual([line.status, line.direction, line.unmatched_transfer, line.customer, line.cash_balance_transaction], ['unmatched', 'debit', null, null, null]);
      assert.match(line.reason!, /a reversal that matches no funding of this account .*nothing was booked/);
    }
    const transfers = (await s.request('GET', '/cashbook/v1/unmatched_transfers?limit=100')).body as { data: { bank_statement: string }[] };
    const statements = [reversals.body.id, mt940.body.id];
    assert.deepEqual(transfers.data.filter((t) => statements.includes(t.bank_statement)), [], 'no transfer to assign or return');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 5_000);

    // A transfer kept from a reversal before the fix: a debit, refused by assign and return.
    const { accountId, key } = await createAccount(s.store, { now: Math.floor(Date.now() / 1000) });
    const legacy = {
      id: 'ubt_legacyreversal1', object: 'unmatched_transfer', created: Math.floor(Date.now() / 1000), livemode: false, amount: 5_000, currency: 'eur', status: 'open',
      reference: null, account, sender: { name: 'Someone', iban: 'DE89370400440532013000', bic: null, account: 'DE89370400440532013000', clearing: null },
      bank_statement: 'bstmt_legacy', line: 0, reason: 'a reversal that matches no funding of this account', customer: null, cash_balance_transaction: null,
    };
    await s.store.write((tx) => tx.insert('unmatched_transfers', accountId, legacy));
    const auth = { authorization: `Bearer ${key}` };
    for (const action of ['assign', 'return']) {
      const reply = await s.request('POST', `/cashbook/v1/unmatched_transfers/${legacy.id}/${action}`, { form: action === 'assign' ? 'customer=cus_anyone' : '', headers: auth });
      assert.deepEqual([reply.status, reply.body.error?.type, reply.body.error?.param], [400, 'invalid_request_error', 'id'], action);
      assert.match(reply.body.error.message, /is a reversal/);
    }
    // A reversal imported before the statement of the funding it reverses: applied once that funding is in.
    const early = camt('053', '08', MASTER, [{ amount: '20.00', currency: 'EUR', direction: 'DBIT', reversal: true, creditorAccount: account, ref: 'UR-EARLY-R', endToEndId: 'LATE-1' }]);
    assert.equal((await importFile(s, early)).body.lines[0].status, 'unmatched');
    assert.equal((await importFile(s, camt('053', '08', MASTER, [{ amount: '20.00', currency: 'EUR', creditorAccount: account, ref: 'UR-LATE-F', endToEndId: 'LATE-1' }]))).body.lines[0].status, 'funded');
    assert.equal((await importFile(s, early)).body.lines[0].status, 'reversed');
    assert.equal((await importFile(s, early)).body.lines[0].status, 'duplicate');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 5_000);
    const kept = (await s.request('GET', `/cashbook/v1/unmatched_transfers/${legacy.id}`, { headers: auth })).body as { status: string; direction: string };
    assert.deepEqual([kept.status, kept.direction], ['open', 'debit']);
    // One already marked to be sent back before the fix: no payment file pays money that never came in.
    const payout = { type: 'eu_bank_transfer', account_holder_name: 'Someone', iban: 'DE89370400440532013000' };
    await s.store.write((tx) => tx.insert('unmatched_transfers', accountId, { ...legacy, id: 'ubt_legacyreversal2', status: 'returned', return_status: 'pending', outbound_transfer_file: null, _payout_account: payout }));
    await s.request('POST', '/cashbook/v1/merchant_bank_accounts', { form: `currency=eur&account_holder_name=Shop&iban=${MASTER}&bic=ABNANL2A`, headers: auth });
    const file = await s.request('POST', '/cashbook/v1/outbound_transfer_files', { form: 'currency=eur', headers: auth });
    assert.deepEqual([file.status, file.body.error?.param], [400, 'currency'], 'nothing to pay: the legacy reversal is not paid out');
    await assertBooks(s);
  });

  it('a camt reversal repeating the original parties (the virtual IBAN as creditor, the sender as debtor; RvslInd true or 1) reverses the funding it names', async () => {
    const s = server();
    const { stripe } = s;
    for (const [version, indicator] of [['08', '1'], ['02', 'true']] as const) {
      const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
      const { account } = await virtualAccount(stripe, customer.id, 'eur');
      const sender = { debtorName: 'Acme BV', debtorIban: 'DE89370400440532013000' };
      const funded = await importFile(s, camt('053', version, MASTER, [{ amount: '70.00', currency: 'EUR', creditorAccount: account, ...sender, ref: `RV-F-${version}`, endToEndId: `RV-${version}` }]));
      assert.equal(funded.body.lines[0].status, 'funded');
      const reversal = await importFile(s, camt('053', version, MASTER, [
        { amount: '70.00', currency: 'EUR', direction: 'DBIT', reversal: true, reversalIndicator: indicator, originalParties: true, creditorAccount: account, ...sender, ref: `RV-R-${version}`, endToEndId: `RV-${version}` },
      ]));
      assert.deepEqual(reversal.body.lines.map((l) => [l.status, l.customer]), [['reversed', customer.id]], version);
      assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0, 'the customer does not keep reversed money');
      const rows = (await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 10 })).data.map((r) => [r.type, r.net_amount]);
      assert.deepEqual(rows, [['funding_reversed', -7_000], ['funded', 7_000]]);
    }
    await assertBooks(s);
  });

  it('a batched camt entry funds each transaction to its own account with its own amount, references and sender; a batch that does not add up is refused whole', async () => {
    const s = server();
    const { stripe } = s;
    const alice = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: ibanA } = await virtualAccount(stripe, alice.id, 'eur');
    const bob = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account: ibanB } = await virtualAccount(stripe, bob.id, 'eur');
    const batch = (third: string) => camt('053', '08', MASTER, [{ amount: '60.00', currency: 'EUR', ref: 'BATCH-1', transactions: [
      { amount: '10.00', creditorAccount: ibanA, debtorName: 'Alice Sender', debtorIban: 'DE89370400440532013000', endToEndId: 'B-E1', remittance: 'Batch A' },
      { amount: '20.00', creditorAccount: ibanB, debtorName: 'Bob Sender', debtorIban: 'GB82WEST12345698765432', endToEndId: 'B-E2', remittance: 'Batch B', withoutAmountDetails: true },
      { amount: third, creditorAccount: 'NL02ABNA0123456789', debtorName: 'Carol Sender', txRef: 'BATCH-1-C' },
    ] }]);
    const refused = await importFile(s, batch('25.00'));
    assert.deepEqual([refused.status, refused.body.error?.type, refused.body.error?.param], [400, 'invalid_request_error', 'file']);
    assert.match(refused.body.error!.message, /entry 1: its 3 transactions add up to 5500 minor units, not the entry's 6000/);
    assert.deepEqual(await Promise.all([balanceOf(stripe, alice.id, 'eur'), balanceOf(stripe, bob.id, 'eur')]), [0, 0], 'nothing of a refused file is booked');

    const imported = await importFile(s, batch('30.00'));
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.lines.map((l) => [l.index, l.status, l.customer, l.amount, l.bank_reference]), [
      [0, 'funded', alice.id, 1_000, 'BATCH-1'],
      [1, 'funded', bob.id, 2_000, 'BATCH-1'],
      [2, 'unmatched', null, 3_000, 'BATCH-1-C'],
    ]);
    const details = await Promise.all([[alice.id, 0], [bob.id, 1]].map(async ([id, i]) => (await stripe.customers.retrieveCashBalanceTransaction(id as string, imported.body.lines[i as number].cash_balance_transaction!)).funded?.bank_transfer));
    assert.deepEqual(details, [
      { type: 'eu_bank_transfer', reference: 'Batch A', eu_bank_transfer: { bic: 'INGBNL2AXXX', iban_last4: '3000', sender_name: 'Alice Sender' } },
      { type: 'eu_bank_transfer', reference: 'Batch B', eu_bank_transfer: { bic: 'INGBNL2AXXX', iban_last4: '5432', sender_name: 'Bob Sender' } },
    ] as unknown);
    const carol = (await s.request('GET', `/cashbook/v1/unmatched_transfers/${imported.body.lines[2].unmatched_transfer}`)).body as { amount: number; sender: { name: string } };
    assert.deepEqual([carol.amount, carol.sender.name], [3_000, 'Carol Sender']);
    const again = await importFile(s, batch('30.00'));
    assert.deepEqual(again.body.lines.map((l) => l.status), ['duplicate', 'duplicate', 'duplicate']);
    // .02 has no TxDtls/Amt: each transaction's AmtDtls/TxAmt/Amt.
    const old = await importFile(s, camt('054', '02', MASTER, [{ amount: '3.00', currency: 'EUR', ref: 'BATCH-2', transactions: [{ amount: '1.00', creditorAccount: ibanA }, { amount: '2.00', creditorAccount: ibanB }] }]));
    assert.deepEqual(old.body.lines.map((l) => [l.status, l.customer, l.amount]), [['funded', alice.id, 100], ['funded', bob.id, 200]]);
    assert.deepEqual(await Promise.all([balanceOf(stripe, alice.id, 'eur'), balanceOf(stripe, bob.id, 'eur')]), [1_100, 2_200]);
    // No reference anywhere, two transactions alike in every detail: two fundings, once each.
    const twins = camt('053', '08', MASTER, [{ amount: '8.00', currency: 'EUR', transactions: [{ amount: '4.00', creditorAccount: ibanA, remittance: 'Same' }, { amount: '4.00', creditorAccount: ibanA, remittance: 'Same' }] }]);
    assert.deepEqual((await importFile(s, twins)).body.lines.map((l) => l.status), ['funded', 'funded']);
    assert.deepEqual((await importFile(s, twins)).body.lines.map((l) => l.status), ['duplicate', 'duplicate']);
    assert.equal(await balanceOf(stripe, alice.id, 'eur'), 1_900);
    await assertBooks(s);
  });

  it('BAI2: the network from the type code, the reference from the customer reference else the text (continuations joined by a space), the sender from ORIG / B/O text', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'usd');
    const bai2 = [
      '01,CASHBANK,CASHBOOK,261201,0800,1,,,2/',
      '02,CASHBOOK,CASHBANK,1,261201,0800,USD,2/',
      `03,${account},USD,010,0,,/`,
      '16,195,100000,Z,FED-1,,INCOMING WIRE/',
      '88,B/O: ACME CORP',
      '88,REF:INV 9',
      '16,165,2500,Z,ACH-1,INV-7,ORIG CO NAME:GLOBEX ORIG ID:99 DESC DATE:261201/',
      '16,208,300,Z,FED-2,,INTL WIRE/',
      '16,142,40,Z,ACH-2,,/',
      '16,890,5,Z,INFO-1,,BALANCE NOTE/',
      '49,102845,9/',
      '03,99887766,USD/',
      '16,196,700,Z,FED-3,,ORIGINATOR: INITECH/',
      '49,700,3/',
      '98,103545,2,10/',
      '99,103545,1,12/',
    ].join('\n');
    const imported = await importFile(s, bai2, s.key, 'text/plain');
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.lines.map((l) => [l.status, l.amount, l.bank_reference, l.reason]), [
      ['funded', 100_000, 'FED-1', null],
      ['funded', 2_500, 'ACH-1', null],
      ['funded', 300, 'FED-2', null],
      ['funded', 40, 'ACH-2', null],
      ['ignored', 5, 'INFO-1', 'information only'],
      ['unmatched', 700, 'FED-3', 'the account it credits is not a virtual account of this Cashbook account'],
    ]);
    const transfers = await Promise.all(imported.body.lines.slice(0, 4).map(async (l) => (await stripe.customers.retrieveCashBalanceTransaction(customer.id, l.cash_balance_transaction!)).funded?.bank_transfer));
    assert.deepEqual(transfers, [
      { type: 'us_bank_transfer', reference: 'INCOMING WIRE B/O: ACME CORP REF:INV 9', us_bank_transfer: { network: 'domestic_wire_us', sender_name: 'ACME CORP' } },
      { type: 'us_bank_transfer', reference: 'INV-7', us_bank_transfer: { network: 'ach', sender_name: 'GLOBEX' } },
      { type: 'us_bank_transfer', reference: 'INTL WIRE', us_bank_transfer: { network: 'domestic_wire_us', sender_name: null } },
      { type: 'us_bank_transfer', reference: null, us_bank_transfer: { network: 'ach', sender_name: null } },
    ] as unknown);
    // An unmatched wire keeps its network when it is assigned.
    const assigned = await s.request('POST', `/cashbook/v1/unmatched_transfers/${imported.body.lines[5].unmatched_transfer}/assign`, { form: `customer=${customer.id}` });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const wire = await stripe.customers.retrieveCashBalanceTransaction(customer.id, (assigned.body as { cash_balance_transaction: string }).cash_balance_transaction);
    assert.deepEqual(wire.funded?.bank_transfer, { type: 'us_bank_transfer', reference: 'ORIGINATOR: INITECH', us_bank_transfer: { network: 'domestic_wire_us', sender_name: 'INITECH' } } as unknown);
    assert.equal(await balanceOf(stripe, customer.id, 'usd'), 100_000 + 2_500 + 300 + 40 + 700);
    await assertBooks(s);
  });

  it('camt remittance: RmtInf/Ustrd first, else every Strd creditor reference joined', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    for (const version of ['02', '08'] as const) {
      const imported = await importFile(s, camt('053', version, MASTER, [
        { amount: '1.00', currency: 'EUR', creditorAccount: account, ref: `RO-1-${version}`, remittance: 'Plain text', structured: ['RF18539007547034'] },
        { amount: '2.00', currency: 'EUR', creditorAccount: account, ref: `RO-2-${version}`, structured: ['RF18539007547034', 'RF712348231'] },
      ]));
      const references = await Promise.all(imported.body.lines.map(async (l) => (await stripe.customers.retrieveCashBalanceTransaction(customer.id, l.cash_balance_transaction!)).funded?.bank_transfer.reference));
      assert.deepEqual(references, ['Plain text', 'RF18539007547034 RF712348231'], version);
    }
  });

  it('placeholder bank references (NONREF, NOTPROVIDED) are no identity: distinct entries all fund, and the hash of their details still finds a re-import', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const mt940 = [':20:NONREF-1', `:25:${account}`, ':28C:1/1', ':60F:C261130EUR0,00',
      ':61:2612011201C5,00NTRFNONREF//NONREF', ':86:?20SVWZ+First?32ANN',
      ':61:2612011201C5,00NTRFNONREF//NONREF', ':86:?20SVWZ+Second?32ANN',
      ':62F:C261201EUR10,00', '-'].join('\n');
    const camtFile = camt('053', '08', MASTER, [
      { amount: '3.00', currency: 'EUR', creditorAccount: account, ref: 'NOTPROVIDED', remittance: 'One' },
      { amount: '3.00', currency: 'EUR', creditorAccount: account, ref: 'NOTPROVIDED', remittance: 'Two' },
    ]);
    for (const [file, type] of [[mt940, 'text/plain'], [camtFile, 'application/xml']]) {
      const first = await importFile(s, file, s.key, type);
      assert.deepEqual(first.body.lines.map((l) => [l.status, l.bank_reference]), [['funded', null], ['funded', null]], first.body.format);
      const again = await importFile(s, file, s.key, type);
      assert.deepEqual(again.body.lines.map((l) => l.status), ['duplicate', 'duplicate'], first.body.format);
    }
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 1_000 + 600);
  });

  it("camt NtryRef is no identity (banks number each statement's entries 1, 2, 3): the next day's entry 1 funds; a re-import is still a duplicate", async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const day = (date: string) => camt('053', '08', MASTER, [{ amount: '4.00', currency: 'EUR', creditorAccount: account, ntryRef: '1', bookingDate: date, remittance: 'Monthly' }]);
    const monday = day('2026-12-07');
    const first = await importFile(s, monday, s.key, 'application/xml');
    const second = await importFile(s, day('2026-12-08'), s.key, 'application/xml');
    assert.deepEqual([first.body.lines[0].status, first.body.lines[0].bank_reference, second.body.lines[0].status], ['funded', '1', 'funded']);
    assert.equal((await importFile(s, monday, s.key, 'application/xml')).body.lines[0].status, 'duplicate');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 800);
  });

  it('an entry imported before 2026-12-03 under its legacy identity (camt NtryRef) stays a duplicate; another entry with that NtryRef still funds', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const file = camt('053', '04', MASTER, [{ amount: '2.00', currency: 'EUR', creditorAccount: account, ntryRef: '7', remittance: 'Old import' }]);
    const first = await importFile(s, file);
    assert.equal(first.body.lines[0].status, 'funded');
    // Stored as the importer before 2026-12-03 stored it: keyed by the NtryRef.
    const legacyKey = legacyIdentity({ legacyReference: '7', uniqueReference: null, account, direction: 'credit' } as never, MASTER)!;
    await s.store.write(async (tx) => {
      const record = (await tx.all<{ id: string; created: number; statement: string }>('statement_entries', DEFAULT_ACCOUNT_ID, {})).find((r) => r.statement === first.body.id)!;
      await tx.remove('statement_entries', DEFAULT_ACCOUNT_ID, record.id);
      await tx.insert('statement_entries', DEFAULT_ACCOUNT_ID, { ...record, id: legacyKey });
    });
    assert.equal((await importFile(s, file)).body.lines[0].status, 'duplicate', 'the old import is recognised');
    const other = camt('053', '04', MASTER, [{ amount: '3.00', currency: 'EUR', creditorAccount: account, ntryRef: '7', bookingDate: '2026-12-02', remittance: 'Next day' }]);
    assert.equal((await importFile(s, other)).body.lines[0].status, 'funded', 'an NtryRef recurring on another entry is no duplicate');
    assert.equal(await balanceOf(stripe, customer.id, 'eur'), 500);
  });

  it('MT940: an issued IBAN in free :86: text routes a credit to the master account, with the whole text as its reference; the statement object in full', async () => {
    const s = server();
    const { stripe } = s;
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(stripe, customer.id, 'eur');
    const before = Math.floor(Date.now() / 1000);
    const imported = await importFile(s, [':20:FALLBACK-1', `:25:${MASTER}`, ':28C:1/1', ':60F:C261130EUR0,00',
      ':61:2612011201C7,50NTRFNONREF//FB-1', `:86:SEPA CREDIT TRANSFER TO ${account}`, 'INVOICE 2026-55 THANK YOU',
      ':62F:C261201EUR7,50', '-'].join('\n'), s.key, 'text/plain');
    const body = imported.body;
    assert.ok(body.created >= before && body.created <= Math.floor(Date.now() / 1000) + 1, 'created is the import time');
    assert.match(body.lines[0].cash_balance_transaction!, /^ccsbtxn_/);
    assert.deepEqual(body, {
      id: body.id, object: 'bank_statement', created: body.created, livemode: false, format: 'mt940', statement_id: 'FALLBACK-1', account: MASTER,
      lines: [{ index: 0, amount: 750, currency: 'eur', direction: 'credit', booking_date: '2026-12-01', bank_reference: 'FB-1', status: 'funded', customer: customer.id, cash_balance_transaction: body.lines[0].cash_balance_transaction, unmatched_transfer: null, refund: null, reason: null }],
    });
    const entry = await stripe.customers.retrieveCashBalanceTransaction(customer.id, body.lines[0].cash_balance_transaction!);
    assert.deepEqual(entry.funded?.bank_transfer, { type: 'eu_bank_transfer', reference: `SEPA CREDIT TRANSFER TO ${account} INVOICE 2026-55 THANK YOU`, eu_bank_transfer: { bic: null, iban_last4: null, sender_name: null } } as unknown);
  });
});
