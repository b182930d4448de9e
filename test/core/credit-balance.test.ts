import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkCreditChain, debitAllowed, movementToReach, postCredit } from '../../src/core/credit-balance.ts';
import { InvariantError } from '../../src/core/errors.ts';

describe('credit balance core', () => {
  it('posts adjustments of both signs and refuses zero or wrongly signed movements', () => {
    assert.deepEqual(postCredit(0, 'adjustment', -500), { type: 'adjustment', amount: -500, startingBalance: 0, endingBalance: -500 });
    assert.equal(postCredit(-500, 'adjustment', 200).endingBalance, -300);
    assert.throws(() => postCredit(0, 'adjustment', 0), InvariantError);
    assert.throws(() => postCredit(0, 'invoice_too_small', -10), InvariantError);
    assert.throws(() => postCredit(0, 'invoice_overpaid', 10), InvariantError);
    assert.throws(() => postCredit(0, 'adjustment', 0.5), InvariantError);
    assert.equal(postCredit(0, 'invoice_too_small', 30).endingBalance, 30);
  });

  it('reaches a target balance with initial (create) or adjustment (update)', () => {
    assert.deepEqual(movementToReach(0, -2500, true), { type: 'initial', amount: -2500 });
    assert.deepEqual(movementToReach(-2500, 400, false), { type: 'adjustment', amount: 2900 });
    assert.equal(movementToReach(400, 400, false), null);
  });

  it('forbids a debit balance only for customers with a cash balance', () => {
    assert.equal(debitAllowed(1, true), false);
    assert.equal(debitAllowed(0, true), true);
    assert.equal(debitAllowed(1, false), true);
  });

  it('keeps the balance equal to the sum of its transactions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -99_999_999, max: 99_999_999 }).filter((n) => n !== 0), { maxLength: 50 }), (amounts) => {
        let balance = 0;
        const chain = amounts.map((amount) => {
          const posted = postCredit(balance, 'adjustment', amount);
          balance = posted.endingBalance;
          return { amount, ending_balance: posted.endingBalance };
        });
        checkCreditChain(chain, amounts.reduce((a, b) => a + b, 0));
      }),
    );
    assert.throws(() => checkCreditChain([{ amount: -5, ending_balance: -5 }, { amount: 2, ending_balance: -2 }], -2), InvariantError);
    assert.throws(() => checkCreditChain([{ amount: -5, ending_balance: -5 }], -4), InvariantError);
  });
});
