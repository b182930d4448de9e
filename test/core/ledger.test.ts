// The pure cash ledger: every invariant it guards throws an InvariantError, and any valid
// sequence of movements keeps the chain exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvariantError } from '../../src/core/errors.ts';
import { CASH_TRANSACTION_SIGN, CASH_TRANSACTION_TYPES, checkCashChain, postCashMovements, type CashMovement, type CashTransactionType } from '../../src/core/ledger.ts';
import { MAX_BALANCE_MINOR } from '../../src/core/money.ts';

const POSITIVE = CASH_TRANSACTION_TYPES.filter((t) => CASH_TRANSACTION_SIGN[t] === 1 && t !== 'adjusted_for_overdraft');
const NEGATIVE = CASH_TRANSACTION_TYPES.filter((t) => CASH_TRANSACTION_SIGN[t] === -1);

describe('cash ledger', () => {
  it('posts movements in order with starting and ending balances', () => {
    const posted = postCashMovements(100, [
      { type: 'funded', netAmount: 50 },
      { type: 'applied_to_payment', netAmount: -120 },
      { type: 'unapplied_from_payment', netAmount: 20 },
    ]);
    assert.deepEqual(posted.map((p) => [p.startingBalance, p.endingBalance]), [[100, 150], [150, 30], [30, 50]]);
    assert.deepEqual(posted.map((p) => p.type), ['funded', 'applied_to_payment', 'unapplied_from_payment']);
    assert.deepEqual(postCashMovements(0, []), []);
  });

  it('signs: every type adds or removes money as its sign says', () => {
    assert.equal(CASH_TRANSACTION_TYPES.length, 9);
    assert.deepEqual(POSITIVE.sort(), ['funded', 'refunded_from_payment', 'return_canceled', 'unapplied_from_payment']);
    assert.deepEqual(NEGATIVE.sort(), ['applied_to_payment', 'funding_reversed', 'return_initiated', 'transferred_to_balance']);
    for (const type of POSITIVE) {
      assert.equal(postCashMovements(0, [{ type, netAmount: 5 }])[0].endingBalance, 5);
      assert.throws(() => postCashMovements(10, [{ type, netAmount: -5 }]), InvariantError, type);
    }
    for (const type of NEGATIVE) {
      assert.equal(postCashMovements(10, [{ type, netAmount: -5 }])[0].endingBalance, 5);
      assert.throws(() => postCashMovements(10, [{ type, netAmount: 5 }]), InvariantError, type);
    }
  });

  it('throws on each broken invariant', () => {
    const cases: [string, () => unknown][] = [
      ['negative starting balance', () => postCashMovements(-1, [{ type: 'funded', netAmount: 1 }])],
      ['fractional starting balance', () => postCashMovements(0.5, [{ type: 'funded', netAmount: 1 }])],
      ['unsafe starting balance', () => postCashMovements(2 ** 53, [])],
      ['starting balance over the bound', () => postCashMovements(MAX_BALANCE_MINOR + 1, [])],
      ['NaN amount', () => postCashMovements(0, [{ type: 'funded', netAmount: Number.NaN }])],
      ['infinite amount', () => postCashMovements(0, [{ type: 'funded', netAmount: Infinity }])],
      ['fractional amount', () => postCashMovements(0, [{ type: 'funded', netAmount: 1.5 }])],
      ['zero amount', () => postCashMovements(0, [{ type: 'funded', netAmount: 0 }])],
      ['wrong sign', () => postCashMovements(5, [{ type: 'applied_to_payment', netAmount: 5 }])],
      ['ending balance over the bound', () => postCashMovements(MAX_BALANCE_MINOR, [{ type: 'funded', netAmount: 1 }])],
      ['overdraw by a payment', () => postCashMovements(5, [{ type: 'applied_to_payment', netAmount: -6 }])],
      ['overdraw by a return', () => postCashMovements(5, [{ type: 'return_initiated', netAmount: -6 }])],
      ['overdraw by a sweep', () => postCashMovements(0, [{ type: 'transferred_to_balance', netAmount: -1 }])],
      ['reversal overdraft left uncorrected', () => postCashMovements(5, [{ type: 'funding_reversed', netAmount: -8 }])],
      ['reversal overdraft corrected by the wrong amount', () => postCashMovements(5, [{ type: 'funding_reversed', netAmount: -8 }, { type: 'adjusted_for_overdraft', netAmount: 2 }])],
      ['reversal overdraft corrected by another type', () => postCashMovements(5, [{ type: 'funding_reversed', netAmount: -8 }, { type: 'funded', netAmount: 3 }])],
      ['overdraft correction not next', () => postCashMovements(5, [{ type: 'funding_reversed', netAmount: -8 }, { type: 'funded', netAmount: 1 }, { type: 'adjusted_for_overdraft', netAmount: 2 }])],
      ['adjustment without an overdraft', () => postCashMovements(5, [{ type: 'adjusted_for_overdraft', netAmount: 5 }])],
      ['negative zero amount', () => postCashMovements(0, [{ type: 'funding_reversed', netAmount: -0 }])],
      ['unknown type', () => postCashMovements(0, [{ type: 'gift' as CashTransactionType, netAmount: 5 }])],
    ];
    for (const [name, run] of cases) assert.throws(run, InvariantError, name);
  });

  it('allows a funding reversal to overdraw only when the next movement brings it back to exactly zero', () => {
    const posted = postCashMovements(5, [
      { type: 'funding_reversed', netAmount: -8 },
      { type: 'adjusted_for_overdraft', netAmount: 3 },
      { type: 'funded', netAmount: 10 },
    ]);
    assert.deepEqual(posted.map((p) => p.endingBalance), [-3, 0, 10]);
  });

  it('checks a chain of entries and the balance it sums to', () => {
    checkCashChain([], 0);
    checkCashChain([{ net_amount: 5, ending_balance: 5 }, { net_amount: -2, ending_balance: 3 }], 3);
    assert.throws(() => checkCashChain([{ net_amount: 5, ending_balance: 6 }], 6), InvariantError);
    assert.throws(() => checkCashChain([{ net_amount: 5, ending_balance: 5 }, { net_amount: -2, ending_balance: 2 }], 2), InvariantError);
    assert.throws(() => checkCashChain([{ net_amount: 5, ending_balance: 5 }], 4), InvariantError);
    assert.throws(() => checkCashChain([], 1), InvariantError);
  });

  it('property: any accepted sequence keeps an exact chain that never ends negative', () => {
    const movement = fc.oneof(
      fc.record({ type: fc.constantFrom(...POSITIVE), netAmount: fc.integer({ min: 1, max: 99_999_999 }) }),
      fc.record({ type: fc.constantFrom(...NEGATIVE), netAmount: fc.integer({ min: -99_999_999, max: -1 }) }),
    ) as fc.Arbitrary<CashMovement>;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.array(movement, { maxLength: 40 }), (start, movements) => {
        let posted;
        try {
          posted = postCashMovements(start, movements);
        } catch (error) {
          assert.ok(error instanceof InvariantError);
          // Refused only because some prefix would overdraw the balance.
          let balance = start;
          const overdraws = movements.some((m) => (balance += m.netAmount) < 0);
          assert.ok(overdraws, String(error));
          return;
        }
        let balance = start;
        for (const [index, entry] of posted.entries()) {
          assert.equal(entry.startingBalance, balance);
          assert.equal(entry.endingBalance, balance + movements[index].netAmount);
          assert.ok(entry.endingBalance >= 0);
          balance = entry.endingBalance;
        }
        assert.equal(balance, start + movements.reduce((sum, m) => sum + m.netAmount, 0));
        checkCashChain([{ net_amount: start, ending_balance: start }, ...posted.map((p) => ({ net_amount: p.netAmount, ending_balance: p.endingBalance }))].filter((e) => e.net_amount !== 0), balance);
      }),
      { numRuns: 300 },
    );
  });
});
