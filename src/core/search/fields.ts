// The fields each searchable resource offers (Stripe's "query fields"), what each operator
// means on them, and the matcher: pure functions over wire objects.
import { SearchQueryError, type Clause, type SearchQuery } from './query.ts';

/** text: exact or substring, ignoring case; token: exact; number: exact or compared; flag: true/false. */
type FieldKind = 'text' | 'token' | 'number' | 'flag';

export type SearchResource = 'customers' | 'payment_intents' | 'charges' | 'invoices';

const FIELDS: Record<SearchResource, Record<string, FieldKind>> = {
  customers: { created: 'number', email: 'text', name: 'text', phone: 'text' },
  payment_intents: { amount: 'number', created: 'number', currency: 'token', customer: 'token', status: 'token' },
  charges: { amount: 'number', created: 'number', currency: 'token', customer: 'token', disputed: 'flag', payment_intent: 'token', refunded: 'flag', status: 'token' },
  invoices: { created: 'number', currency: 'token', customer: 'token', last_finalization_error_code: 'token', last_finalization_error_type: 'token', number: 'text', receipt_number: 'text', status: 'token', subscription: 'token', total: 'number' },
};

/** Query fields that name a nested value of the object (Stripe's invoice finalization error fields). */
const NESTED: Record<string, [string, string]> = {
  last_finalization_error_code: ['last_finalization_error', 'code'],
  last_finalization_error_type: ['last_finalization_error', 'type'],
};

/** Stripe needs at least three characters for a substring match. */
const MIN_SUBSTRING = 3;

/** Checks every clause against the resource's fields; throws the first problem found. */
export function checkSearchQuery(resource: SearchResource, query: SearchQuery): void {
  const fields = FIELDS[resource];
  for (const clause of query.clauses) {
    const name = clause.field;
    if (name === 'metadata') {
      if (clause.operator !== ':') throw new SearchQueryError(`metadata['${clause.key}'] supports only exact matches (:).`);
      if (typeof clause.value === 'number') throw new SearchQueryError(`metadata['${clause.key}'] takes a quoted value.`);
      continue;
    }
    const kind = fields[name];
    if (!kind) {
      const supported = [...Object.keys(fields), 'metadata'].sort().join(', ');
      throw new SearchQueryError(`Field \`${name}\` is an unsupported search field for resource \`${resource}\`. The supported fields are: ${supported}.`);
    }
    if (clause.value === null) {
      if (clause.operator !== ':') throw new SearchQueryError(`null can only be matched with ':' (field \`${name}\`).`);
      continue;
    }
    if (clause.operator === '~') {
      if (kind !== 'text') throw new SearchQueryError(`Field \`${name}\` does not support substring matching (~).`);
      if (typeof clause.value !== 'string' || clause.value.length < MIN_SUBSTRING) {
        throw new SearchQueryError(`A substring match (~) needs a quoted value of at least ${MIN_SUBSTRING} characters (field \`${name}\`).`);
      }
      continue;
    }
    if (clause.operator !== ':' && kind !== 'number') throw new SearchQueryError(`Field \`${name}\` does not support numeric comparison (${clause.operator}).`);
    if (kind === 'number' && typeof clause.value !== 'number') throw new SearchQueryError(`Field \`${name}\` takes a number, unquoted.`);
    if (kind === 'flag' && clause.value !== 'true' && clause.value !== 'false') throw new SearchQueryError(`Field \`${name}\` takes 'true' or 'false'.`);
  }
}

function fieldValue(object: Record<string, unknown>, clause: Clause): unknown {
  if (clause.field === 'metadata') return (object.metadata as Record<string, string> | undefined)?.[clause.key!];
  const nested = NESTED[clause.field];
  if (nested) return (object[nested[0]] as Record<string, unknown> | null | undefined)?.[nested[1]];
  const value = object[clause.field];
  // An expanded reference (customer) matches by its id.
  return value && typeof value === 'object' && 'id' in value ? (value as { id: unknown }).id : value;
}

function clauseHolds(kinds: Record<string, FieldKind>, object: Record<string, unknown>, clause: Clause): boolean {
  const actual = fieldValue(object, clause);
  const wanted = clause.value;
  if (wanted === null) return actual === null || actual === undefined || actual === '';
  if (actual === null || actual === undefined) return false;
  switch (clause.operator) {
    case ':':
      if (typeof wanted === 'number') return actual === wanted;
      if (typeof actual === 'boolean') return String(actual) === wanted;
      return typeof actual === 'string' && (kinds[clause.field] === 'text' ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted);
    case '~':
      return typeof actual === 'string' && actual.toLowerCase().includes(String(wanted).toLowerCase());
    case '>':
      return typeof actual === 'number' && actual > (wanted as number);
    case '<':
      return typeof actual === 'number' && actual < (wanted as number);
    case '>=':
      return typeof actual === 'number' && actual >= (wanted as number);
    case '<=':
      return typeof actual === 'number' && actual <= (wanted as number);
  }
}

export function matchesSearch(resource: SearchResource, query: SearchQuery, object: Record<string, unknown>): boolean {
  const holds = (clause: Clause) => clauseHolds(FIELDS[resource], object, clause) !== clause.negated;
  return query.combinator === 'and' ? query.clauses.every(holds) : query.clauses.some(holds);
}

/**
 * An exact clause on a token field that every match must satisfy (AND, not negated): lets
 * the store narrow the scan to an indexed column instead of reading the whole table.
 */
export function requiredEquality(resource: SearchResource, query: SearchQuery, column: string): string | undefined {
  if (FIELDS[resource][column] !== 'token') return undefined;
  if (query.combinator !== 'and' && query.clauses.length > 1) return undefined;
  const clause = query.clauses.find((c) => c.field === column && c.operator === ':' && !c.negated && typeof c.value === 'string');
  return clause?.value as string | undefined;
}
