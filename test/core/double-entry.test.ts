// Double-entry postings: every movement balances, so every currency sums to zero.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  accountBalances,
  assertBalanced,
  cashAccount,
  cashEntryPostings,
  DEFAULT_COUNTER_ACCOUNT,
  MERCHANT,
  OUTSIDE,
  sumByCurrency,
  transfer,
  type Posting,
} from '../../src/core/double-entry.ts';
import { InvariantError } from '../../src/core/errors.ts';
import { CASH_TRANSACTION_SIGN, CASH_TRANSACTION_TYPES } from '../../src/core/ledger.ts';

describe('double-entry postings', () => {
  it('a transfer takes from one account and gives to another', () => {
    assert.deepEqual(transfer(OUTSIDE, MERCHANT, 'usd', 5), [
      { account: OUTSIDE, currency: 'usd', amount: -5 },
      { account: MERCHANT, currency: 'usd', amount: 5 },
    ]);
    assert.throws(() => transfer(OUTSIDE, MERCHANT, 'usd', 0), InvariantError);
    assert.throws(() => transfer(MERCHANT, MERCHANT, 'usd', 1), InvariantError);
    assert.throws(() => transfer(OUTSIDE, MERCHANT, 'usd', 0.5), InvariantError);
  });

  it('refuses an unbalanced journal', () => {
    assert.throws(() => assertBalanced([{ account: MERCHANT, currency: 'usd', amount: 5 }]), InvariantError);
    assert.throws(() => assertBalanced([...transfer(OUTSIDE, MERCHANT, 'usd', 5), { account: MERCHANT, currency: 'eur', amount: 1 }]), InvariantError);
    assert.throws(() => assertBalanced([]), InvariantError);
  });

  it('every cash type moves money between the customer and its counter account, in the type\'s direction', () => {
    for (const type of CASH_TRANSACTION_TYPES) {
      const net = CASH_TRANSACTION_SIGN[type] * 70;
      const postings = cashEntryPostings('cus_1', 'eur', net, DEFAULT_COUNTER_ACCOUNT[type]);
      assertBalanced(postings);
      const balances = accountBalances(postings);
      assert.equal(balances.get(`${cashAccount('cus_1')}|eur`), net, type);
      assert.equal(balances.get(`${DEFAULT_COUNTER_ACCOUNT[type]}|eur`), -net, type);
    }
  });

  it('property: any sequence of movements in several currencies sums to zero per currency', () => {
    const accounts = [OUTSIDE, MERCHANT, 'payments_in_flight', 'refunds_pending', cashAccount('cus_a'), cashAccount('cus_b')];
    const move = fc.record({
      from: fc.constantFrom(...accounts),
      to: fc.constantFrom(...accounts),
      currency: fc.constantFrom('usd', 'eur', 'jpy'),
      amount: fc.integer({ min: 1, max: 99_999_999 }),
    });
    fc.assert(fc.property(fc.array(move, { maxLength: 50 }), (moves) => {
      const all: Posting[] = [];
      for (const m of moves) {
        if (m.from === m.to) continue;
        const postings = transfer(m.from, m.to, m.currency, m.amount);
        assertBalanced(postings);
        all.push(...postings);
      }
      for (const sum of Object.values(sumByCurrency(all))) assert.equal(sum, 0);
      let total = 0;
      for (const balance of accountBalances(all).values()) total += balance;
      assert.equal(total, 0);
    }));
  });
});
