// Text for payment files: transliteration to basic Latin, ids in SEPA's character set and back,
// and the account holder names a payment file can carry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cashbookId, fileId, hasLatinLetter, latinize, nameProblem } from '../../src/core/payment-files/latin.ts';
import { sepaText } from '../../src/core/payment-files/pain001.ts';
import { parsePayoutAccount } from '../../src/core/payout-account.ts';

describe('Latin text for payment files', () => {
  it('spells out the letters that are no base letter with a mark, and drops the marks of the others', () => {
    assert.equal(latinize('Straße Søn ŁÓDŹ Æsir Œuvre Þórr Đorđe Zoë Çelik'), 'Strasse Son LODZ AEsir OEuvre THorr Dorde Zoe Celik');
    assert.equal(sepaText('Jürgen Weiß & Söhne_GmbH', 70), 'Jurgen Weiss Sohne-GmbH');
    assert.equal(sepaText('日本語', 70), 'NOTPROVIDED');
  });

  it('a Cashbook id goes into a file with - for _ and comes back as itself; other references are unchanged', () => {
    fc.assert(fc.property(fc.constantFrom('re', 'ubt', 'otf', 'pyr'), fc.stringMatching(/^[0-9A-Za-z]{8,24}$/), (prefix, rest) => {
      const id = `${prefix}_${rest}`;
      assert.match(fileId(id), /^[a-z]+-[0-9A-Za-z]+$/);
      assert.equal(cashbookId(fileId(id)), id);
    }));
    assert.equal(cashbookId('INV-2026-1'), 'INV-2026-1');
    assert.equal(cashbookId('NOTPROVIDED'), 'NOTPROVIDED');
  });

  it('a name has no control, invisible format or broken characters', () => {
    assert.equal(nameProblem('Zoë Müller-Łukasz'), null);
    for (const name of ['Shop\u0000BV', 'Shop\nBV', 'Shop \u202Egnaw BV', 'Shop\u200BBV', 'Shop \uD800 BV', 'Bank \uFFFD\uFFFD']) assert.equal(nameProblem(name), 'control', JSON.stringify(name));
    assert.equal(nameProblem('日本語'), 'not_latin');
  });

  it('an account holder must be named in Latin letters, which every payment file carries', () => {
    assert.equal(hasLatinLetter('Zoë'), true);
    assert.equal(hasLatinLetter('日本語 名前'), false);
    const refused = parsePayoutAccount('eur', { account_holder_name: '日本語 名前', iban: 'DE89370400440532013000' });
    assert.deepEqual(refused.ok ? null : refused.field, 'account_holder_name');
    assert.equal(parsePayoutAccount('eur', { account_holder_name: 'Ōtani 翔平', iban: 'DE89370400440532013000' }).ok, true);
    for (const control of ['Jenny\u0000Rosen', 'Jenny\u0007Rosen', 'Jenny\u007fRosen']) {
      assert.deepEqual(parsePayoutAccount('eur', { account_holder_name: control, iban: 'DE89370400440532013000' }), { ok: false, field: 'account_holder_name', message: 'Enter the account holder name without control characters.' });
    }
    assert.equal(parsePayoutAccount('eur', { account_holder_name: 'Jenny\n\tRosen', iban: 'DE89370400440532013000' }).ok, true, 'line breaks and tabs are spaces');
  });
});
