// The search query language: what parses into which clauses, and that any input either
// parses or fails with a SearchQueryError (never another exception).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkSearchQuery, matchesSearch } from '../../src/core/search/fields.ts';
import { parseSearchQuery, SearchQueryError } from '../../src/core/search/query.ts';

describe('search query language', () => {
  it('parses clauses, negation, metadata, numbers, null and the combinator', () => {
    assert.deepEqual(parseSearchQuery(`email:'a@b.c' -metadata["k"]:"v w" amount>=100 name:null`), {
      combinator: 'and',
      clauses: [
        { negated: false, field: 'email', operator: ':', value: 'a@b.c' },
        { negated: true, field: 'metadata', key: 'k', operator: ':', value: 'v w' },
        { negated: false, field: 'amount', operator: '>=', value: 100 },
        { negated: false, field: 'name', operator: ':', value: null },
      ],
    });
    assert.equal(parseSearchQuery(`status:'a' or status:'b'`).combinator, 'or');
    assert.equal(parseSearchQuery(`name:'it\\'s'`).clauses[0].value, "it's");
  });

  it('matches as Stripe documents: text ignores case, tokens are exact, negation and OR', () => {
    const customer = { email: 'Ann@Example.com', name: null, created: 100, metadata: { tier: 'gold' } };
    const holds = (q: string) => {
      const query = parseSearchQuery(q);
      checkSearchQuery('customers', query);
      return matchesSearch('customers', query, customer);
    };
    assert.equal(holds(`email:'ann@example.com'`), true);
    assert.equal(holds(`email~'EXAMPLE'`), true);
    assert.equal(holds(`name:null created>99`), true);
    assert.equal(holds(`-metadata['tier']:'gold'`), false);
    assert.equal(holds(`metadata['tier']:'GOLD'`), false);
    assert.equal(holds(`created<100 OR metadata['tier']:'gold'`), true);
    const intent = { status: 'succeeded', amount: 5 };
    const query = parseSearchQuery(`status:'SUCCEEDED'`);
    assert.equal(matchesSearch('payment_intents', query, intent), false, 'token fields are exact');
  });

  it('property: any input parses or fails with a SearchQueryError', () => {
    const alphabet = fc.constantFrom(...`ab:~<>=-'" []._1nulANDOR\\`.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((chars) => chars.join('')), (input) => {
      try {
        const query = parseSearchQuery(input);
        assert.ok(query.clauses.length > 0);
      } catch (error) {
        assert.ok(error instanceof SearchQueryError, String(error));
      }
    }), { numRuns: 2000 });
  });
});
