// Parameter parsing (src/wire/params.ts): Stripe's form values to typed values, and the one
// Stripe error for the first problem: unknown parameters, then missing ones, then bad values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { ApiError } from '../../src/core/errors.ts';
import { MAX_AMOUNT_MINOR } from '../../src/core/money.ts';
import { bracketPath, hash, mergeMetadata, param, paramsObject, parseParams } from '../../src/wire/params.ts';

function errorOf(schema: z.ZodType, input: unknown): { status: number; code?: string; param?: string; message: string } {
  try {
    parseParams(schema, input);
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return { status: error.status, code: error.code, param: error.param, message: error.message };
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

const schema = paramsObject({
  amount: param.amount(),
  currency: param.currency(['usd', 'eur']),
  count: param.integer({ min: 0, max: 10 }).optional(),
  note: param.nullableString(5).optional(),
  mode: param.enumOf(['a', 'b', 'c']).optional(),
  flag: param.boolean().optional(),
  tags: param.array(param.string({ max: 3 }), { max: 2 }).optional(),
  metadata: param.metadata().optional(),
  settings: hash({ mode: param.enumOf(['x', 'y']).optional(), depth: hash({ level: param.integer().optional() }).optional() }).optional(),
});

describe('wire params', () => {
  it('parses good input to typed values', () => {
    const parsed = parseParams(schema, {
      amount: '100', currency: 'USD', count: '0', note: '', mode: 'b', flag: 'false', tags: { 1: 'y', 0: 'x' },
      metadata: { a: '1' }, settings: { mode: 'x', depth: { level: '-3' } }, expand: ['customer'],
    });
    assert.deepEqual(parsed, {
      amount: 100, currency: 'usd', count: 0, note: null, mode: 'b', flag: false, tags: ['x', 'y'],
      metadata: { a: '1' }, settings: { mode: 'x', depth: { level: -3 } }, expand: ['customer'],
    });
    assert.deepEqual(parseParams(schema, { amount: 1, currency: 'eur', flag: true, tags: '' }), { amount: 1, currency: 'eur', flag: true, tags: [] });
    assert.deepEqual(parseParams(schema, { amount: String(MAX_AMOUNT_MINOR), currency: 'eur' }).amount, MAX_AMOUNT_MINOR);
  });

  it('reads booleans as true/false in any case, and nothing else', () => {
    const flag = (value: unknown) => parseParams(schema, { amount: '1', currency: 'usd', flag: value }).flag;
    for (const text of ['true', 'True', 'TRUE', 'tRuE']) assert.equal(flag(text), true, text);
    for (const text of ['false', 'False', 'FALSE', 'fAlSe']) assert.equal(flag(text), false, text);
    for (const text of ['yes', '1', '0', '', ' true', 'truee', 'on']) {
      const error = errorOf(schema, { amount: '1', currency: 'usd', flag: text });
      assert.deepEqual([error.status, error.param, error.message], [400, 'flag', `Invalid boolean: ${text}`], JSON.stringify(text));
    }
  });

  it('reports unknown parameters first, then missing ones, then invalid values', () => {
    assert.deepEqual(errorOf(schema, { amount: 'x', bogus: '1' }), { status: 400, code: 'parameter_unknown', param: 'bogus', message: 'Received unknown parameter: bogus' });
    assert.deepEqual(errorOf(schema, { amount: 'x', settings: { foo: '1' } }).param, 'settings[foo]');
    assert.deepEqual(errorOf(schema, { amount: '1', settings: { depth: { nope: '1' } } }).param, 'settings[depth][nope]');
    assert.deepEqual(errorOf(schema, { amount: 'x' }), { status: 400, code: 'parameter_missing', param: 'currency', message: 'Missing required param: currency.' });
    assert.deepEqual(errorOf(schema, {}).code, 'parameter_missing');
    assert.deepEqual(errorOf(schema, undefined).code, 'parameter_missing');
  });

  it('maps each bad value to its code and bracketed param', () => {
    const rows: [Record<string, unknown>, string | undefined, string][] = [
      [{ amount: '0' }, 'amount_too_small', 'amount'],
      [{ amount: '-5' }, 'amount_too_small', 'amount'],
      [{ amount: String(MAX_AMOUNT_MINOR + 1) }, 'amount_too_large', 'amount'],
      [{ amount: '1.5' }, 'parameter_invalid_integer', 'amount'],
      [{ amount: '1e3' }, 'parameter_invalid_integer', 'amount'],
      [{ amount: '9007199254740993' }, 'parameter_invalid_integer', 'amount'],
      [{ amount: '' }, 'parameter_invalid_empty', 'amount'],
      [{ amount: ['1'] }, 'parameter_invalid_integer', 'amount'],
      [{ currency: 'gbp' }, undefined, 'currency'],
      [{ currency: '' }, 'parameter_invalid_empty', 'currency'],
      [{ count: '11' }, 'parameter_invalid_integer', 'count'],
      [{ count: '-1' }, 'parameter_invalid_integer', 'count'],
      [{ note: 'toolong' }, undefined, 'note'],
      [{ note: { a: 1 } }, undefined, 'note'],
      [{ mode: 'd' }, undefined, 'mode'],
      [{ mode: '' }, 'parameter_invalid_empty', 'mode'],
      [{ flag: 'yes' }, undefined, 'flag'],
      [{ tags: ['a', 'b', 'c'] }, undefined, 'tags'],
      [{ tags: ['abcd'] }, undefined, 'tags[0]'],
      [{ tags: { x: 'a' } }, undefined, 'tags'],
      [{ metadata: 'x' }, undefined, 'metadata'],
      [{ metadata: { ['k'.repeat(41)]: 'v' } }, undefined, 'metadata'],
      [{ metadata: { k: 'v'.repeat(501) } }, undefined, 'metadata'],
      [{ metadata: { k: { nested: 'v' } } }, undefined, 'metadata'],
      [{ settings: 'x' }, undefined, 'settings'],
      [{ settings: { mode: 'z' } }, undefined, 'settings[mode]'],
      [{ settings: { depth: { level: 'one' } } }, 'parameter_invalid_integer', 'settings[depth][level]'],
      [{ expand: 'customer' }, undefined, 'expand'],
    ];
    for (const [input, code, name] of rows) {
      const error = errorOf(schema, { amount: '1', currency: 'usd', ...input });
      assert.equal(error.status, 400, JSON.stringify(input));
      assert.equal(error.code, code, `${JSON.stringify(input)}: ${error.message}`);
      assert.equal(error.param, name, JSON.stringify(input));
      assert.ok(!error.message.includes('{param}') && !error.message.includes('{empty}'), error.message);
    }
    assert.match(errorOf(schema, { amount: '1', currency: 'usd', mode: 'd' }).message, /^Invalid mode: must be one of a, b, or c$/);
    // A JSON body can give any type where a string is expected: the message says which it gave.
    for (const [value, given] of [[5, 'a number'], [true, 'a boolean'], [null, 'null'], [['x'], 'an array'], [{ a: 'x' }, 'an object']] as const) {
      assert.equal(errorOf(paramsObject({ name: param.string() }), { name: value }).message, `Invalid string: ${given} was given where a string was expected`, given);
    }
  });

  it('reports the telling branch of a union parameter', () => {
    const union = paramsObject({
      address: z.union([z.literal(''), hash({ country: param.nullableString(2).optional() })]).optional(),
      created: z.union([param.integer({ min: 0 }), z.strictObject({ gt: param.integer({ min: 0 }).optional() })]).optional(),
    });
    assert.equal(errorOf(union, { address: { country: 'USA' } }).param, 'address[country]');
    assert.equal(errorOf(union, { address: 'x' }).param, 'address');
    assert.equal(errorOf(union, { created: 'abc' }).code, 'parameter_invalid_integer');
    assert.equal(errorOf(union, { created: { gt: 'x' } }).param, 'created[gt]');
    assert.deepEqual(errorOf(union, { created: { foo: '1' } }), { status: 400, code: 'parameter_unknown', param: 'created[foo]', message: 'Received unknown parameter: created[foo]' });
    assert.deepEqual(parseParams(union, { address: '', created: { gt: '5' } }), { address: '', created: { gt: 5 } });
  });

  it('property: integers round-trip within bounds and are refused outside them', () => {
    const bounded = paramsObject({ n: param.integer({ min: -1000, max: 1000 }) });
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), (n) => {
        if (n >= -1000 && n <= 1000) assert.equal(parseParams(bounded, { n: String(n) }).n, n);
        else assert.equal(errorOf(bounded, { n: String(n) }).code, 'parameter_invalid_integer');
      }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => !/^-?\d+$/.test(s)), (text) => {
        assert.equal(errorOf(bounded, { n: text }).code, 'parameter_invalid_integer');
      }),
    );
  });

  it('property: amounts accept exactly 1..MAX_AMOUNT_MINOR', () => {
    const amounts = paramsObject({ amount: param.amount() });
    fc.assert(
      fc.property(fc.integer({ min: -2 * MAX_AMOUNT_MINOR, max: 2 * MAX_AMOUNT_MINOR }), (n) => {
        if (n >= 1 && n <= MAX_AMOUNT_MINOR) assert.equal(parseParams(amounts, { amount: String(n) }).amount, n);
        else assert.equal(errorOf(amounts, { amount: String(n) }).code, n < 1 ? 'amount_too_small' : 'amount_too_large');
      }),
    );
  });

  it('merges metadata: "" removes a key, replaceAll clears, more than 50 keys is refused', () => {
    assert.deepEqual(mergeMetadata({ a: '1', b: '2' }, { a: '', c: '3' }, false), { b: '2', c: '3' });
    assert.deepEqual(mergeMetadata({ a: '1' }, undefined, false), { a: '1' });
    assert.deepEqual(mergeMetadata({ a: '1' }, {}, true), {});
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(Object.keys(mergeMetadata({}, fifty, true)).length, 50);
    assert.throws(() => mergeMetadata(fifty, { extra: 'v' }, false), (error: ApiError) => error.status === 400 && error.param === 'metadata');
    assert.equal(Object.keys(mergeMetadata(fifty, { k0: '', extra: 'v' }, false)).length, 50);
  });

  it('writes nested paths in bracket form', () => {
    assert.equal(bracketPath(['a']), 'a');
    assert.equal(bracketPath(['a', 'b', 0, 'c']), 'a[b][0][c]');
  });
});
