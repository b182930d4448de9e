// Statement parsing: amounts read exactly (string arithmetic, never floats), the format told
// by the content, and MT940's :61: marks and :86: subfields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseStatement } from '../../src/core/bank-files/detect.ts';
import { minorUnits, StatementError } from '../../src/core/bank-files/entry.ts';

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
    assert.throws(() => minorUnits('1000000.00', 'eur', 'x'), StatementError, 'above the largest amount');
  });

  it('tells formats apart by content and reads MT940 reversal marks and structured :86:', () => {
    const mt = parseStatement(':20:S1\n:25:DE89370400440532013000\n:60F:C261130EUR0,00\n:61:2612011201RC10,00NTRFE2E-5//B-1\n:86:?20EREF+E2E-5?32ACME\n:62F:C261201EUR0,00\n');
    assert.equal(mt.format, 'mt940');
    assert.deepEqual([mt.lines[0].direction, mt.lines[0].reversal, mt.lines[0].amount, mt.lines[0].endToEndId, mt.lines[0].bankReference, mt.lines[0].sender.name], ['debit', true, 1000, 'E2E-5', 'B-1', 'ACME']);
    assert.equal(parseStatement('01,A,B,261201,0800,1,,,2/\n03,123,USD/\n16,399,100,V,261201,0800,R1,C1,TEXT/\n').lines[0].bankReference, 'R1', 'a V funds type carries two more fields');
    assert.throws(() => parseStatement('{"not":"a statement"}'), StatementError);
  });
});
