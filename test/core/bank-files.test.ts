// Statement parsing: amounts read exactly (string arithmetic, never floats), the format told
// by the content, and MT940's :61: marks and :86: subfields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseStatement } from '../../src/core/bank-files/detect.ts';
import { achReturnReason, bai2Network, bai2SenderName } from '../../src/core/bank-files/bai2.ts';
import { currencyCode } from '../../src/core/bank-files/currency.ts';
import { calendarDate, cut, keptLine, minorUnits, quoted, realReference, StatementError } from '../../src/core/bank-files/entry.ts';
import { formatAmount, minorUnitExponent } from '../../src/core/money.ts';
import { refundFailureReason } from '../../src/core/bank-files/return-reasons.ts';
import { senderPayoutAccount } from '../../src/core/payment-files/sender-account.ts';

describe('bank statement parsing', () => {
  it('property: any amount written with a comma or a point reads back to its exact minor units', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.boolean(), (minor, comma) => {
      const text = `${Math.floor(minor / 100)}${comma ? ',' : '.'}${String(minor % 100).padStart(2, '0')}`;
      assert.equal(minorUnits(text, 'eur', 'x'), minor);
    }));
    assert.equal(minorUnits('1234', 'jpy', 'x'), 1234);
    assert.equal(minorUnits('0.10', 'usd', 'x'), 10);
    assert.throws(() => minorUnits('1.5', 'jpy', 'x'), StatementError);
    assert.throws(() => minorUnits('1.001', 'eur', 'x'), StatementError);
    assert.throws(() => minorUnits('1e3', 'eur', 'x'), StatementError);
    // Any amount a statement holds reads exactly (a line above what Cashbook books is kept unmatched or ignored, not refused), by ISO 4217's exponents.
    assert.equal(minorUnits('1000000.00', 'eur', 'x'), 100_000_000);
    assert.equal(minorUnits('10,125', 'kwd', 'x'), 10_125);
    assert.equal(minorUnits('1500000', 'krw', 'x'), 1_500_000);
    assert.throws(() => minorUnits('1500000.5', 'krw', 'x'), StatementError);
    assert.throws(() => minorUnits('99999999999999,99', 'eur', 'x'), /beyond any amount/);
  });

  it('tells formats apart by content and reads MT940 reversal marks and structured :86:', () => {
    const mt = parseStatement(':20:S1\n:25:DE89370400440532013000\n:60F:C261130EUR0,00\n:61:2612011201RC10,00NTRFE2E-5//B-1\n:86:?20EREF+E2E-5?32ACME\n:62F:D261201EUR10,00\n');
    assert.equal(mt.format, 'mt940');
    assert.deepEqual([mt.lines[0].direction, mt.lines[0].reversal, mt.lines[0].amount, mt.lines[0].endToEndId, mt.lines[0].bankReference, mt.lines[0].sender.name], ['debit', true, 1000, 'E2E-5', 'B-1', 'ACME']);
    assert.equal(parseStatement('01,A,B,261201,0800,1,,,2/\n02,B,A,1,261201,0800,USD,2/\n03,123,USD/\n16,399,100,V,261201,0800,R1,C1,TEXT/\n49,100,3/\n98,100,1,5/\n99,100,1,7/\n').lines[0].bankReference, 'R1', 'a V funds type carries two more fields');
    assert.throws(() => parseStatement('{"not":"a statement"}'), StatementError);
  });

  it("keeps the sender's account and its bank's clearing code, and reads from them where a returned transfer is paid", () => {
    const camt = parseStatement(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>S</Id><Acct><Id><IBAN>GB29NWBK60161331926819</IBAN></Id></Acct>
      <Ntry><Amt Ccy="GBP">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>Sam Smith</Nm></Pty></Dbtr><DbtrAcct><Id><Othr><Id>70872490</Id></Othr></Id></DbtrAcct></RltdPties>
      <RltdAgts><DbtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>GBDSC</Cd></ClrSysId><MmbId>40-47-84</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt></RltdAgts></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`);
    assert.deepEqual(camt.lines[0].sender, { name: 'Sam Smith', iban: null, bic: null, account: '70872490', clearing: '404784' });
    assert.deepEqual(senderPayoutAccount('gbp', camt.lines[0].sender), { ok: true, account: { type: 'gb_bank_transfer', account_holder_name: 'Sam Smith', sort_code: '404784', account_number: '70872490' } });

    const sender = (over: Partial<{ name: string | null; iban: string | null; account: string | null; clearing: string | null }>) => ({ name: 'Jane Doe', iban: null, bic: null, account: null, clearing: null, ...over });
    assert.deepEqual(senderPayoutAccount('eur', sender({ iban: 'DE89370400440532013000', account: 'DE89370400440532013000' })), { ok: true, account: { type: 'eu_bank_transfer', account_holder_name: 'Jane Doe', iban: 'DE89370400440532013000' } });
    assert.deepEqual(senderPayoutAccount('gbp', sender({ iban: 'GB82WEST12345698765432' })), { ok: true, account: { type: 'gb_bank_transfer', account_holder_name: 'Jane Doe', sort_code: '123456', account_number: '98765432' } }, 'a GB IBAN holds the sort code and account number');
    assert.deepEqual(senderPayoutAccount('gbp', sender({ iban: 'FR1420041010050500013M02606' })), { ok: true, account: { type: 'eu_bank_transfer', account_holder_name: 'Jane Doe', iban: 'FR1420041010050500013M02606' } }, 'GBP from abroad goes back by IBAN');
    assert.deepEqual(senderPayoutAccount('usd', sender({ clearing: '011000015', account: '000999888777' })), { ok: true, account: { type: 'us_bank_transfer', account_holder_name: 'Jane Doe', routing_number: '011000015', account_number: '000999888777' } });
    const refused = (currency: string, over: Parameters<typeof sender>[0]) => senderPayoutAccount(currency, sender(over)).ok;
    assert.equal(refused('eur', { iban: 'DE89370400440532013001' }), false, 'an IBAN with wrong check digits');
    assert.equal(refused('eur', {}), false, 'no IBAN (MT940 without ?31, BAI2)');
    assert.equal(refused('eur', { name: null, iban: 'DE89370400440532013000' }), false, 'no name');
    assert.equal(refused('usd', { clearing: '011000016', account: '000999888777' }), false, 'an ABA routing number with a wrong check digit');
    assert.equal(refused('chf', { iban: 'CH9300762011623852957' }), false, 'a currency Cashbook does not pay out');
  });

  it('BAI2 type codes give the network, the usual ORIG / B/O texts the sender; placeholders are no reference; bank return codes map to refund failure reasons', () => {
    assert.deepEqual(['191', '195', '196', '206', '208'].map(bai2Network), Array(5).fill('domestic_wire_us'));
    assert.deepEqual(['142', '143', '145', '165', '166', '169', '108'].map(bai2Network), Array(7).fill('ach'));
    const names: [string, string | null][] = [
      ['ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:261201', 'ACME CORP'],
      ['ORIGINATOR: ACME INC OBI: INV-1', 'ACME INC'],
      ['ORIG:Smith & Co', 'Smith & Co'],
      ['INCOMING WIRE B/O: Jane Doe Ltd REF:INV 9', 'Jane Doe Ltd'],
      ['B/O ACME CORP', 'ACME CORP'],
      ['INCOMING WIRE FROM ACME CORP', null],
      ['ORIG ID:123', null],
    ];
    for (const [text, name] of names) assert.equal(bai2SenderName(text), name, text);
    assert.deepEqual(['NONREF', 'NOTPROVIDED', ' ', '', null, 'nonref', 'REF-1'].map(realReference), [null, null, null, null, null, null, 'REF-1']);
    assert.deepEqual(['AC04', 'MD07', 'R02', 'AC01', 'AC06', 'R03', 'AM04', 'R01', 'FOCR', 'MS03', null].map(refundFailureReason), [
      'expired_or_canceled_card', 'expired_or_canceled_card', 'expired_or_canceled_card', 'declined', 'declined', 'declined', 'insufficient_funds', 'insufficient_funds', 'merchant_request', 'unknown', 'unknown',
    ]);
  });
  it('BAI2: an ACH return is type 168 or a text saying RETURN with its R code; a tax refund is no ACH return', () => {
    assert.equal(achReturnReason('168', 'ACH RETURN R01'), 'R01');
    assert.equal(achReturnReason('168', null), 'unknown');
    assert.equal(achReturnReason('165', 'ACH RETURN R03 NO ACCOUNT'), 'R03');
    assert.equal(achReturnReason('165', 'IRS TREAS 310 TAX RETURN REFUND'), null);
    assert.equal(achReturnReason('165', 'ORIG CO NAME:R2 PARTNERS'), null);
  });

  it('a currency is an ISO 4217 code, in either case; any other text (Object.prototype names included) is refused, never read as an exponent', () => {
    const table: [string, string | RegExp][] = [
      ['EUR', 'eur'], ['eur', 'eur'], [' usd ', 'usd'], ['KWD', 'kwd'], ['XXX', 'xxx'], ['HRK', 'hrk'],
      ['__proto__', /not an ISO 4217/], ['constructor', /not an ISO 4217/], ['toString', /not an ISO 4217/], ['EU', /not an ISO 4217/], ['ABC', /not an ISO 4217/], ['usd<script>', /not an ISO 4217/], ['', /not an ISO 4217/],
    ];
    for (const [text, expected] of table) {
      if (typeof expected === 'string') assert.equal(currencyCode(text, 'x'), expected, text);
      else assert.throws(() => currencyCode(text, 'x'), (error: Error) => error instanceof StatementError && expected.test(error.message), text);
    }
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.equal(minorUnitExponent(name), 2, name);
      assert.equal(minorUnits('1.00', name, 'x'), 100, name);
      assert.equal(formatAmount(1, name), `0.01 ${name.toUpperCase()}`);
    }
    const camt = (ccy: string) => `<Document><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="${ccy}">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt></Document>`;
    assert.throws(() => parseStatement(camt('__proto__')), /entry 1: "__proto__" is not an ISO 4217 currency code/);
    assert.equal(parseStatement(camt('KWD')).lines[0].currency, 'kwd');
  });

  it("texts are cut to what a line keeps, never halving a character, with the texts as read kept for the line's identity; refusals quote little", () => {
    assert.equal(cut('abcdef', 4), 'abcd');
    assert.equal(cut(null, 4), null);
    assert.equal(cut('ab😀c', 3), 'ab😀', 'characters, as the API counts them: the emoji is one');
    assert.deepEqual(['2026-12-01', '2028-02-29', '2026-02-29', '2026-13-45', '2026-1-1', '', null].map(calendarDate), ['2026-12-01', '2028-02-29', null, null, null, null, null]);
    assert.equal(cut('😀'.repeat(100), 140), '😀'.repeat(100), 'a hundred emoji are within 140 characters');
    assert.equal(cut('😀'.repeat(200), 140), '😀'.repeat(140), 'never half of one');
    assert.equal(quoted('x'.repeat(101)), `"${'x'.repeat(100)}…"`);
    assert.equal(quoted('short'), '"short"');
    assert.ok(new StatementError('m'.repeat(5_000_000)).message.length <= 1_001);
    const line = parseStatement(':20:S1\n:25:DE89370400440532013000\n:60F:C261130EUR0,00\n:61:2612011201C10,00NTRFNONREF\n:86:?20EREF+E2E-5?32ACME\n:62F:C261201EUR10,00\n').lines[0];
    const long = keptLine({ ...line, reference: 'r'.repeat(200), endToEndId: 'e'.repeat(50), bankReference: 'b'.repeat(50), returnReason: 'c'.repeat(50), sender: { ...line.sender, name: 'n'.repeat(200), bic: 'ABCDEFGHIJKLM' } });
    assert.deepEqual([long.reference, long.sender.name, long.endToEndId, long.bankReference, long.returnReason, long.sender.bic], ['r'.repeat(140), 'n'.repeat(140), 'e'.repeat(35), 'b'.repeat(35), 'c'.repeat(35), 'ABCDEFGHIJK']);
    assert.deepEqual(long.uncut, { reference: 'r'.repeat(200), name: 'n'.repeat(200), endToEndId: 'e'.repeat(50) });
    assert.equal(keptLine(line).uncut, undefined, 'nothing cut, nothing more kept');
    const withInfo = (info: string) => parseStatement(`:20:S1\n:25:DE89370400440532013000\n:60F:C261130EUR0,00\n:61:2612011201C10,00NTRFNONREF\n:86:${info}\n:62F:C261201EUR10,00\n`).lines[0];
    const multicash = withInfo(`166?20SVWZ+${'w'.repeat(400)}?21${'x'.repeat(27)}?22${'y'.repeat(27)}?31DE89370400440532013000?32${'Jane Doe'}`);
    assert.deepEqual([multicash.sender.name, multicash.sender.account, multicash.reference], ['Jane Doe', 'DE89370400440532013000', 'w'.repeat(140)], 'a :86: beyond 390 characters (MultiCash) is read whole');
    const long86 = withInfo(`166?20SVWZ+${'w'.repeat(1_000)}?32Jane Doe`);
    assert.deepEqual([long86.sender.name, long86.reference?.length, long86.uncut?.reference?.length], ['Jane Doe', 140, 1_000], 'kept cut, hashed whole');
  });
});
