// The refund state machine, amount rules, test bank accounts and FIFO ageing of cash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../src/core/errors.ts';
import {
  initialRefundStatus,
  instructionsEmail,
  nextRefundStatus,
  isLot,
  lotAmount,
  lotRemainder,
  openLots,
  returnable,
  refundAmount,
  refundNextAction,
  REFUND_WINDOW_SECONDS,
  returnAmount,
  testBankAccountOutcome,
  type AgedEntry,
  type RefundAction,
  type RefundStatus,
} from '../../src/core/refund.ts';

const STATUSES: RefundStatus[] = ['requires_action', 'pending', 'succeeded', 'failed', 'canceled'];
const ACTIONS: RefundAction[] = ['submit_details', 'settle', 'bounce', 'cancel', 'expire', 'bank_return', 'withdraw'];

function apiError(fn: () => unknown, code?: string, param?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    if (code !== undefined) assert.equal(error.code, code);
    if (param !== undefined) assert.equal(error.param, param);
    return true;
  });
}

describe('refund state machine', () => {
  it('has exactly the documented transitions', () => {
    const allowed: string[] = [];
    for (const status of STATUSES) for (const action of ACTIONS) {
      const next = nextRefundStatus(status, action);
      if (next) allowed.push(`${status} -${action}-> ${next}`);
    }
    assert.deepEqual(allowed.sort(), [
      'pending -settle-> succeeded',
      'pending -withdraw-> canceled',
      'requires_action -cancel-> canceled',
      'requires_action -expire-> failed',
      'requires_action -submit_details-> pending',
      'requires_action -withdraw-> canceled',
      'succeeded -bank_return-> failed',
      'succeeded -bounce-> requires_action',
    ]);
  });

  it('failed and canceled are final; cancel is possible only before bank details', () => {
    for (const action of ACTIONS) {
      assert.equal(nextRefundStatus('failed', action), null);
      assert.equal(nextRefundStatus('canceled', action), null);
    }
    for (const status of STATUSES) assert.equal(nextRefundStatus(status, 'cancel') !== null, status === 'requires_action');
  });

  it('starts waiting for details unless they are known; next_action only in requires_action', () => {
    assert.equal(initialRefundStatus(false), 'requires_action');
    assert.equal(initialRefundStatus(true), 'pending');
    assert.deepEqual(refundNextAction('requires_action', 'a@b.c', 10, 20), { type: 'display_details', display_details: { email_sent: { email_sent_at: 10, email_sent_to: 'a@b.c' }, expires_at: 20 } });
    for (const status of STATUSES.filter((s) => s !== 'requires_action')) assert.equal(refundNextAction(status, 'a@b.c', 10, 20), null);
  });
});

describe('refund amounts', () => {
  it('defaults to what is left, never more, never after a full refund or 180 days', () => {
    assert.equal(refundAmount(1000, 300, undefined, 0, 0), 700);
    assert.equal(refundAmount(1000, 300, 700, 0, 0), 700);
    apiError(() => refundAmount(1000, 300, 701, 0, 0), 'amount_too_large', 'amount');
    apiError(() => refundAmount(1000, 1000, 1, 0, 0), 'charge_already_refunded');
    assert.equal(refundAmount(1000, 0, 1, 0, REFUND_WINDOW_SECONDS), 1);
    apiError(() => refundAmount(1000, 0, 1, 0, REFUND_WINDOW_SECONDS + 1), undefined, 'payment_intent');
  });

  it('property: any sequence of accepted refunds sums to at most the amount paid', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(fc.option(fc.integer({ min: 1, max: 12_000 }), { nil: undefined }), { maxLength: 20 }), (paid, requests) => {
      let refunded = 0;
      for (const request of requests) {
        try {
          const amount = refundAmount(paid, refunded, request, 0, 0);
          assert.ok(amount >= 1);
          refunded += amount;
        } catch (error) {
          assert.ok(error instanceof ApiError);
        }
        assert.ok(refunded <= paid);
      }
    }));
  });

  it('returns are bounded by the available balance', () => {
    assert.equal(returnAmount(500, undefined, 'usd'), 500);
    assert.equal(returnAmount(500, 200, 'usd'), 200);
    apiError(() => returnAmount(500, 501, 'usd'), 'amount_too_large', 'amount');
    apiError(() => returnAmount(0, undefined, 'usd'), undefined, 'amount');
  });

  it('needs an email: the one given, else the customer\'s', () => {
    assert.equal(instructionsEmail('x@y.z', 'c@d.e'), 'x@y.z');
    assert.equal(instructionsEmail(undefined, 'c@d.e'), 'c@d.e');
    apiError(() => instructionsEmail(undefined, null), undefined, 'instructions_email');
  });
});

describe('test bank accounts', () => {
  it('follows the documented table', () => {
    assert.equal(testBankAccountOutcome({ iban: 'DE89370400440532013000' }), 'succeeds');
    assert.equal(testBankAccountOutcome({ iban: 'DE89 3704 0044 0532 0130 00' }), 'succeeds');
    for (const iban of ['DE62370400440532013001', 'DE89370400440532013002', 'DE89370400440532013005']) assert.equal(testBankAccountOutcome({ iban }), 'fails');
    assert.equal(testBankAccountOutcome({ routing_number: '1100000', account_number: '0001234' }), 'succeeds');
    assert.equal(testBankAccountOutcome({ routing_number: '1100000', account_number: '4444440' }), 'fails');
    assert.equal(testBankAccountOutcome({ clabe: '000000001234567897' }), 'succeeds');
    assert.equal(testBankAccountOutcome({ clabe: '000000444444444448' }), 'fails');
    assert.equal(testBankAccountOutcome({ sort_code: '10-88-00', account_number: '00012345' }), 'succeeds');
    assert.equal(testBankAccountOutcome({ sort_code: '108800', account_number: '22222227' }), 'fails');
    assert.equal(testBankAccountOutcome({ routing_number: '110000000', account_number: '000123456789' }), 'succeeds');
    assert.equal(testBankAccountOutcome({ routing_number: '110000000', account_number: '000333333335' }), 'fails');
    assert.equal(testBankAccountOutcome({ routing_number: '110000000', account_number: '000000000001' }), null);
    assert.equal(testBankAccountOutcome({ iban: 'DE89370400440532013006' }), null);
    assert.equal(testBankAccountOutcome({}), null);
  });
});

describe('FIFO ageing of cash (openLots)', () => {
  it('debits consume the oldest credits first', () => {
    const lots = openLots([
      { id: 'a', created: 1, net_amount: 100, type: 'funded' },
      { id: 'b', created: 2, net_amount: 50, type: 'funded' },
      { id: 'x', created: 3, net_amount: -120, type: 'applied_to_payment' },
      { id: 'c', created: 4, net_amount: 10, type: 'unapplied_from_payment' },
    ]);
    assert.deepEqual(lots, [{ id: 'b', created: 2, remaining: 30 }, { id: 'c', created: 4, remaining: 10 }]);
  });

  it('an overdraft correction refills the hole of its reversal and makes no lot', () => {
    const lots = openLots([
      { id: 'a', created: 1, net_amount: 100, type: 'funded' },
      { id: 'p', created: 1, net_amount: -100, type: 'applied_to_payment' },
      { id: 'r', created: 2, net_amount: -100, type: 'funding_reversed' },
      { id: 'o', created: 2, net_amount: 100, type: 'adjusted_for_overdraft' },
      { id: 'b', created: 3, net_amount: 40, type: 'funded' },
    ]);
    assert.deepEqual(lots, [{ id: 'b', created: 3, remaining: 40 }]);
  });

  it('property: a lot\'s remainder from the balance and the credits after it equals FIFO ageing', () => {
    // Moves: credits, debits within the balance, and reversals beyond it corrected at once.
    const move = fc.oneof(
      fc.record({ kind: fc.constant('credit' as const), amount: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('debit' as const), amount: fc.integer({ min: 1, max: 150 }) }),
      fc.record({ kind: fc.constant('reversal' as const), amount: fc.integer({ min: 1, max: 150 }) }),
    );
    fc.assert(fc.property(fc.array(move, { maxLength: 60 }), (moves) => {
      const entries: { id: string; created: number; net_amount: number; type: string }[] = [];
      let balance = 0;
      for (const [i, m] of moves.entries()) {
        if (m.kind === 'credit') entries.push({ id: `e${i}`, created: i, net_amount: m.amount, type: 'funded' });
        else if (m.kind === 'debit') {
          const amount = Math.min(m.amount, balance);
          if (amount === 0) continue;
          entries.push({ id: `e${i}`, created: i, net_amount: -amount, type: 'applied_to_payment' });
        } else {
          entries.push({ id: `e${i}`, created: i, net_amount: -m.amount, type: 'funding_reversed' });
          if (m.amount > balance) entries.push({ id: `o${i}`, created: i, net_amount: m.amount - balance, type: 'adjusted_for_overdraft' });
        }
        balance = Math.max(0, balance + (m.kind === 'credit' ? m.amount : -Math.min(m.amount, balance)));
      }
      const fifo = new Map(openLots(entries).map((lot) => [lot.id, lot.remaining]));
      for (const [index, entry] of entries.entries()) {
        if (!isLot(entry)) continue;
        const after = entries.slice(index + 1).filter(isLot).reduce((sum, later) => sum + later.net_amount, 0);
        assert.equal(lotRemainder(balance, after, entry.net_amount), fifo.get(entry.id) ?? 0, `lot ${entry.id}`);
      }
    }));
  });

  it('property: with credits that are not lots (refills, fundings reversed at once), the remainder still equals FIFO ageing', () => {
    const move = fc.oneof(
      fc.record({ kind: fc.constant('credit' as const), amount: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('debit' as const), amount: fc.integer({ min: 1, max: 150 }) }),
      fc.record({ kind: fc.constant('refill' as const), amount: fc.integer({ min: 1, max: 150 }) }),
      fc.record({ kind: fc.constant('reversedAtOnce' as const), amount: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('sweptReturn' as const), amount: fc.integer({ min: 1, max: 150 }) }),
    );
    fc.assert(fc.property(fc.array(move, { maxLength: 60 }), (moves) => {
      const entries: AgedEntry[] = [];
      let balance = 0;
      let lots = 0;
      const push = (entry: Omit<AgedEntry, 'id' | 'created'>) => {
        entries.push({ id: `e${entries.length}`, created: entries.length, ...entry });
        balance += entry.net_amount;
        lots += lotAmount(entries[entries.length - 1]);
      };
      for (const m of moves) {
        if (m.kind === 'credit') push({ net_amount: m.amount, type: 'funded' });
        else if (m.kind === 'debit' && Math.min(m.amount, balance) > 0) push({ net_amount: -Math.min(m.amount, balance), type: 'applied_to_payment' });
        // Puts back at most what was spent of the lots (a canceled 75-day return).
        else if (m.kind === 'refill' && Math.min(m.amount, lots - balance) > 0) push({ net_amount: Math.min(m.amount, lots - balance), type: 'return_canceled', _lot: 0 });
        else if (m.kind === 'reversedAtOnce') {
          push({ net_amount: m.amount, type: 'funded', _lot: 0 });
          push({ net_amount: -m.amount, type: 'funding_reversed' });
        } else if (m.kind === 'sweptReturn' && Math.min(m.amount, balance) > 0) {
          const amount = Math.min(m.amount, balance);
          push({ net_amount: -amount, type: 'return_initiated' });
          push({ net_amount: amount, type: 'return_canceled', _lot: 0 });
          push({ net_amount: -amount, type: 'transferred_to_balance' });
        }
      }
      const fifo = new Map(openLots(entries).map((lot) => [lot.id, lot.remaining]));
      assert.equal([...fifo.values()].reduce((a, b) => a + b, 0), balance, 'the lots hold the balance');
      for (const [index, entry] of entries.entries()) {
        if (!isLot(entry)) continue;
        const after = entries.slice(index + 1).reduce((sum, later) => sum + lotAmount(later), 0);
        assert.equal(lotRemainder(balance, after, lotAmount(entry)), fifo.get(entry.id) ?? 0, `lot ${entry.id}`);
      }
    }));
  });

  it("a return pays at most the balance less the merchant's overdraft cover", () => {
    assert.equal(returnable(300, 300, 0), 300);
    assert.equal(returnable(300, 300, 120), 180);
    assert.equal(returnable(300, 1000, 120), 300);
    assert.equal(returnable(300, 100, 500), 0);
    assert.equal(lotAmount({ id: 'o', created: 0, net_amount: 300, type: 'adjusted_for_overdraft' }), 0);
    assert.equal(lotAmount({ id: 'r', created: 0, net_amount: 300, type: 'return_canceled', _lot: 0 }), 0);
  });

  it('property: what the lots hold is the balance', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -50, max: 100 }).filter((n) => n !== 0), { maxLength: 40 }), (moves) => {
      const entries: { id: string; created: number; net_amount: number; type: string }[] = [];
      let balance = 0;
      for (const [i, move] of moves.entries()) {
        const amount = move < 0 ? -Math.min(-move, balance) : move;
        if (amount === 0) continue;
        balance += amount;
        entries.push({ id: `e${i}`, created: i, net_amount: amount, type: amount > 0 ? 'funded' : 'applied_to_payment' });
      }
      const held = openLots(entries).reduce((sum, lot) => sum + lot.remaining, 0);
      assert.equal(held, balance);
    }));
  });
});
