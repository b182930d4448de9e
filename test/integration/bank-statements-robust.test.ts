// Bank statements as banks really send them, through the public API: entries Cashbook does not
// book never refuse the file; entries alike in every detail are each a payment; Latin-1 files;
// ING's :25: with its currency; files cut off or altered are refused whole; a BAI2 ACH return
// fails the refund it names; and an import is idempotent by its Idempotency-Key.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf } from './payments-helpers.ts';
import { virtualAccount, type Statement } from './bank-helpers.ts';
import { camt } from './camt-fixture.ts';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { parseStatement } from '../../src/core/bank-files/detect.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { importStatement } from '../../src/resources/bank-statements/service.ts';
import { systemContext } from '../../src/wire/context.ts';

async function importFile(server: TestServer, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<{ status: number; body: Statement; headers: Headers }> {
  const reply = await fetch(`${server.url}/cashbook/v1/bank_statements`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'text/plain', ...headers }, body: typeof body === 'string' ? body : new Blob([body]) });
  return { status: reply.status, body: (await reply.json()) as Statement, headers: reply.headers };
}

const MASTER = 'NL91ABNA0417164300';

/** Latin-1 bytes of a string whose characters are all below U+0100. */
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** How many statements and unmatched transfers the account holds (at most 100 each in these tests). */
async function counts(s: TestServer): Promise<[number, number]> {
  const statements = (await s.request('GET', '/cashbook/v1/bank_statements?limit=100')).body as { data: unknown[] };
  const transfers = (await s.request('GET', '/cashbook/v1/unmatched_transfers?limit=100')).body as { data: unknown[] };
  return [statements.data.length, transfers.data.length];
}

describeEachStore('bank statements as banks send them', (server) => {
  it("entries Cashbook does not book never refuse the file: a large payroll debit, other currencies' exponents; a credit above the largest funding is kept, to return only", async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const file = camt('053', '08', MASTER, [
      { amount: '40.00', currency: 'EUR', creditorAccount: account, ref: 'BIG-1', debtorName: 'Ann', debtorIban: 'DE89370400440532013000' },
      { amount: '1250000.00', currency: 'EUR', direction: 'DBIT', creditorAccount: MASTER, ref: 'BIG-2' },
      { amount: '1250000.00', currency: 'EUR', creditorAccount: account, ref: 'BIG-3', debtorName: 'Big Corp', debtorIban: 'DE89370400440532013000' },
      { amount: '10.125', currency: 'KWD', creditorAccount: MASTER, ref: 'BIG-4' },
      { amount: '1500000', currency: 'KRW', creditorAccount: MASTER, ref: 'BIG-5' },
    ]);
    const imported = await importFile(s, file, { 'content-type': 'application/xml' });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.lines.map((l) => [l.status, l.amount, l.currency]), [
      ['funded', 4_000, 'eur'],
      ['ignored', 125_000_000, 'eur'],
      ['unmatched', 125_000_000, 'eur'],
      ['unmatched', 10_125, 'kwd'],
      ['unmatched', 1_500_000, 'krw'],
    ]);
    assert.match(imported.body.lines[2].reason!, /above the largest amount/);
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 4_000);
    const big = imported.body.lines[2].unmatched_transfer!;
    const assign = await s.request('POST', `/cashbook/v1/unmatched_transfers/${big}/assign`, { form: `customer=${customer.id}` });
    assert.equal(assign.status, 400);
    assert.equal((assign.body as { error: { param: string } }).error.param, 'id');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 4_000, 'the refused assignment funded nothing');
    assert.equal((await s.request('POST', `/cashbook/v1/unmatched_transfers/${big}/return`)).status, 200);

    // Larger than a NACHA entry's ten digits: refused, so no USD payment file fails on it.
    const usd = await importFile(s, camt('053', '08', MASTER, [{ amount: '150000000.00', currency: 'USD', creditorAccount: MASTER, ref: 'BIG-6', debtorName: 'Huge Inc', debtorAccount: '000999888777', debtorClearing: { system: 'USABA', id: '011000015' } }]), { 'content-type': 'application/xml' });
    assert.deepEqual(usd.body.lines.map((l) => [l.status, l.amount]), [['unmatched', 15_000_000_000]]);
    const refused = await s.request('POST', `/cashbook/v1/unmatched_transfers/${usd.body.lines[0].unmatched_transfer}/return`);
    assert.equal(refused.status, 400);
    assert.match((refused.body as { error: { message: string } }).error.message, /larger than one payment of a USD payment file/);
  });

  it('two entries alike in every detail and without a bank reference are two payments; a re-import of the file finds both', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const eur = await virtualAccount(s.stripe, customer.id, 'eur');
    const usd = await virtualAccount(s.stripe, customer.id, 'usd');
    const bai2 = ['01,121000358,CASHBOOK,261208,0600,3,80,1,2/', '02,CASHBOOK,121000358,1,261208,2359,USD,2/', `03,${usd.account},USD,010,0,,/`,
      '16,165,2500,Z,,,ORIG CO NAME:PAYROLL CO/', '16,165,2500,Z,,,ORIG CO NAME:PAYROLL CO/', '49,5000,4/', '98,5000,1,6/', '99,5000,1,8/'].join('\n');
    const mt940 = [':20:TWINS', `:25:${eur.account}`, ':28C:1/1', ':60F:C261202EUR0,00',
      ':61:2612031203C25,00NTRFNONREF', ':86:?20SVWZ+Rent?32ANN', ':61:2612031203C25,00NTRFNONREF', ':86:?20SVWZ+Rent?32ANN',
      ':62F:C261203EUR50,00', '-'].join('\n');
    for (const file of [bai2, mt940]) {
      const first = await importFile(s, file);
      assert.deepEqual(first.body.lines.map((l) => l.status), ['funded', 'funded'], first.body.format);
      const again = await importFile(s, file);
      assert.deepEqual(again.body.lines.map((l) => l.status), ['duplicate', 'duplicate'], first.body.format);
    }
    assert.equal(await balanceOf(s.stripe, customer.id, 'usd'), 5_000);
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 5_000);
  });

  it('a file in ISO-8859-1 (declared in the XML, or a Latin-1 MT940) keeps its names; ING writes the currency after the :25: account', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const xml = camt('053', '02', MASTER, [{ amount: '7.00', currency: 'EUR', creditorAccount: account, ref: 'L1-1', debtorName: 'René Çelik Müller', debtorIban: 'DE89370400440532013000', remittance: 'Rückzahlung' }])
      .replace(/^\s*<\?xml[^>]*\?>\s*/, '');
    const declared = `<?xml version="1.0" encoding="ISO-8859-1"?>\n${xml}`;
    const fromXml = await importFile(s, latin1(declared), { 'content-type': 'application/xml' });
    assert.equal(fromXml.status, 200, JSON.stringify(fromXml.body));
    const mt940 = [':20:LATIN1', `:25:${account}EUR`, ':28C:1/1', ':60F:C261202EUR0,00',
      ':61:2612031203C3,00NTRFNONREF//L1-2', ':86:?20SVWZ+Miete Dezember?32Jürgen Weiß', ':62F:C261203EUR3,00', '-'].join('\n');
    const fromMt940 = await importFile(s, latin1(mt940));
    assert.equal(fromMt940.body.account, account, "the account without ING's currency suffix");
    assert.deepEqual([...fromXml.body.lines, ...fromMt940.body.lines].map((l) => l.status), ['funded', 'funded']);
    const entries = await s.stripe.customers.listCashBalanceTransactions(customer.id);
    const names = entries.data.filter((e) => e.type === 'funded').map((e) => (e.funded?.bank_transfer as { eu_bank_transfer?: { sender_name: string } }).eu_bank_transfer?.sender_name);
    assert.deepEqual(names.sort(), ['Jürgen Weiß', 'René Çelik Müller']);
    const undecodable = await importFile(s, latin1(declared.replace('ISO-8859-1', 'UTF-8').replaceAll('L1-1', 'L1-3')), { 'content-type': 'application/xml' });
    assert.deepEqual([undecodable.status, undecodable.body.lines?.[0]?.status], [200, 'funded'], 'XML that declares UTF-8 with stray bytes still imports, as it always did');
  });

  it('a file cut off or altered is refused whole: MT940 without :62F: or whose lines miss its closing balance, BAI2 without its 99 trailer or with a wrong control total', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const eur = await virtualAccount(s.stripe, customer.id, 'eur');
    const usd = await virtualAccount(s.stripe, customer.id, 'usd');
    const before = await counts(s);
    const head = [':20:CUT', `:25:${eur.account}`, ':28C:1/1', ':60F:C261202EUR100,00', ':61:2612031203C2,00NTRFNONREF//CUT-1', ':86:?20SVWZ+Rent'];
    const bai2 = ['01,A,B,261201,0800,1,,,2/', '02,B,A,1,261201,0800,USD,2/', `03,${usd.account},USD,010,500,,/`, '16,165,2500,Z,B-1,,ACH CREDIT/', '49,3000,3/', '98,3000,1,5/', '99,3000,1,7/'];
    const refused: [string, RegExp][] = [
      [[...head, '-'].join('\n'), /closing balance \(:62F:\) is missing/],
      [[...head, ':62F:C261203EUR999,00', '-'].join('\n'), /do not take the opening balance to the closing one/],
      [[...head.slice(0, 4), ':61:2612031203C2', ''].join('\n'), /not a :61: statement line|closing balance/],
      [bai2.slice(0, -1).join('\n'), /99 file trailer is missing/],
      [bai2.map((r) => (r.startsWith('16,') ? '16,165,25000,Z,B-1,,ACH CREDIT/' : r)).join('\n'), /49 account control total 3000 is not the sum/],
      [bai2.filter((r) => !r.startsWith('49')).join('\n'), /98 group trailer before the 49 trailer/],
    ];
    for (const [file, message] of refused) {
      const reply = await importFile(s, file);
      assert.equal(reply.status, 400, file);
      assert.equal(reply.body.error!.param, 'file');
      assert.match(reply.body.error!.message, message);
    }
    assert.deepEqual(await counts(s), before, 'no statement stored, no transfer kept');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 0);
    assert.equal(await balanceOf(s.stripe, customer.id, 'usd'), 0);
    assert.equal((await importFile(s, [...head, ':62F:C261203EUR102,00', '-'].join('\n'))).status, 200, 'the same statement complete imports');
    assert.equal((await importFile(s, bai2.join('\n'))).status, 200, 'the BAI2 complete imports (its 03 balance counted in the totals)');
  });

  it("a file imported before this version is still a duplicate: ING's :25: then read with its currency, a Latin-1 file then read as UTF-8", async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const ing = [':20:ING-OLD', `:25:${account}EUR`, ':28C:1/1', ':60F:C261202EUR0,00', ':61:2612031203C11,00NTRFNONREF//ING-77', ':86:?20SVWZ+Invoice 77?32ANN', ':62F:C261203EUR11,00', '-'].join('\n');
    // As imports before 2026-12-04 read it: the account with the currency code on its end.
    const then = parseStatement(ing);
    const asBefore = { ...then, account: `${account}EUR`, lines: then.lines.map((line) => ({ ...line, account: `${account}EUR`, formerAccount: undefined })) };
    const ctx = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);
    const old = await s.store.write((tx) => importStatement(tx, ctx, asBefore));
    assert.deepEqual(old.lines.map((l) => l.status), ['unmatched'], 'then the account was not recognized');
    const now = await importFile(s, ing);
    assert.deepEqual(now.body.lines.map((l) => l.status), ['duplicate'], 'not booked a second time');

    const latin = latin1([':20:LATIN-OLD', `:25:${account}`, ':28C:1/1', ':60F:C261202EUR0,00', ':61:2612031203C25,00NTRFNONREF', ':86:?20SVWZ+Miete?32Jürgen Weiß', ':62F:C261203EUR25,00', '-'].join('\n'));
    const readAsUtf8 = new Uint8Array(Buffer.from(Buffer.from(latin).toString('utf8'), 'utf8')); // what the server then decoded: U+FFFD for each Latin-1 letter
    const first = await importFile(s, readAsUtf8);
    assert.deepEqual(first.body.lines.map((l) => l.status), ['funded']);
    const again = await importFile(s, latin);
    assert.deepEqual(again.body.lines.map((l) => l.status), ['duplicate'], 'the same entry, though its name now reads right');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 2_500);
  });

  it('BAI2: a credit whose text only looks like an ACH return still funds; a funds type D with no proper count is refused at once', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const usd = await virtualAccount(s.stripe, customer.id, 'usd');
    const file = (records: string[], total: number) => ['01,A,B,261201,0800,1,,,2/', '02,B,A,1,261201,0800,USD,2/', `03,${usd.account},USD/`, ...records, `49,${total},3/`, `98,${total},1,5/`, `99,${total},1,7/`].join('\n');
    const funded = await importFile(s, file(['16,165,700,Z,B-R10,,ORIG CO NAME:RETURN R10 LLC/'], 700));
    assert.deepEqual(funded.body.lines.map((l) => [l.status, l.customer]), [['funded', customer.id]]);
    for (const count of ['-2.5', '-Infinity', 'x', '']) { // -2.5 once looped forever in the parser
      const refused = await importFile(s, file([`16,165,100,D,${count},1,50,B-D,,TEXT/`], 100));
      assert.equal(refused.status, 400, count);
      assert.match(refused.body.error!.message, /funds type D needs its number of distributions/);
    }
    const refused03 = await importFile(s, ['01,A,B,261201,0800,1,,,2/', '02,B,A,1,261201,0800,USD,2/', '03,12345,USD,010,100,0,D,-2.5/', '49,100,2/', '98,100,1,4/', '99,100,1,6/'].join('\n'));
    assert.equal(refused03.status, 400);
    assert.equal(await balanceOf(s.stripe, customer.id, 'usd'), 700);
  });

  it('Idempotency-Key: a retried import answers the first import again; the key with another file is refused', async () => {
    const s = server();
    const customer = await s.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const { account } = await virtualAccount(s.stripe, customer.id, 'eur');
    const file = [':20:IDEM', `:25:${account}`, ':28C:1/1', ':60F:C261202EUR0,00', ':61:2612031203C9,00NTRFNONREF//IDEM-1', ':86:?20SVWZ+Once', ':62F:C261203EUR9,00', '-'].join('\n');
    const before = await counts(s);
    const first = await importFile(s, file, { 'idempotency-key': 'statement-idem-1' });
    const retry = await importFile(s, file, { 'idempotency-key': 'statement-idem-1' });
    assert.deepEqual(retry.body, first.body, 'the same statement, its line funded, not a second statement of duplicates');
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(first.body.lines[0].status, 'funded');
    const other = await importFile(s, file.replace('C9,00NTRF', 'C8,00NTRF').replace('EUR9,00', 'EUR8,00'), { 'idempotency-key': 'statement-idem-1' });
    assert.equal(other.status, 400);
    assert.equal(other.body.error!.type, 'idempotency_error');
    assert.deepEqual(await counts(s), [before[0] + 1, before[1]], 'one statement');
    assert.equal(await balanceOf(s.stripe, customer.id, 'eur'), 900);
  });
});
