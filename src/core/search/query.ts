// Stripe's search query language, parsed: clauses `field:value` (exact), `field~value`
// (substring), `field>value` (also <, >=, <=) on numbers, `-` negation, `metadata['key']`,
// joined by spaces or AND, or by OR (never both), values quoted ('…' or "…"), numbers bare,
// and `null` for a missing value. Pure: a string in, a tree or a SearchQueryError out.

export type Operator = ':' | '~' | '>' | '<' | '>=' | '<=';

export interface Clause {
  negated: boolean;
  /** Field path (`email`, `status`), or `metadata` with `key` set. */
  field: string;
  key?: string;
  operator: Operator;
  value: string | number | null;
}

export interface SearchQuery {
  combinator: 'and' | 'or';
  clauses: Clause[];
}

export class SearchQueryError extends Error {}

/** Longest accepted query; Stripe's own limit is not documented (one line: bounded work). */
export const MAX_QUERY_LENGTH = 1_000;
export const MAX_CLAUSES = 10;

export function parseSearchQuery(input: string): SearchQuery {
  if (input.length > MAX_QUERY_LENGTH) throw new SearchQueryError(`The query is too long: at most ${MAX_QUERY_LENGTH} characters.`);
  let at = 0;
  const fail = (what: string): never => {
    throw new SearchQueryError(`We were unable to parse your search query: ${what} at position ${at}. Use the format field:'value', for example email:'jenny@example.com' or metadata['key']:'value'.`);
  };
  const space = () => {
    while (at < input.length && /\s/.test(input[at])) at++;
  };
  const quoted = (): string => {
    const quote = input[at];
    if (quote !== '"' && quote !== "'") return fail('expected a quoted value');
    at++;
    let out = '';
    while (at < input.length && input[at] !== quote) {
      if (input[at] === '\\' && at + 1 < input.length) at++;
      out += input[at++];
    }
    if (at >= input.length) return fail('unterminated quoted value');
    at++;
    return out;
  };
  const field = (): { field: string; key?: string } => {
    const match = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*/i.exec(input.slice(at));
    if (!match) return fail('expected a field name');
    at += match[0].length;
    if (match[0] === 'metadata') {
      if (input[at] !== '[') return fail("expected metadata['key']");
      at++;
      const key = quoted();
      if (input[at] !== ']') return fail("expected ] after the metadata key");
      at++;
      if (key === '') return fail('empty metadata key');
      return { field: 'metadata', key };
    }
    return { field: match[0] };
  };
  const operator = (): Operator => {
    for (const op of ['>=', '<=', ':', '~', '>', '<'] as const) {
      if (input.startsWith(op, at)) {
        at += op.length;
        return op;
      }
    }
    return fail('expected an operator (:, ~, >, <, >=, <=)');
  };
  const value = (): string | number | null => {
    if (input[at] === '"' || input[at] === "'") return quoted();
    const match = /^(-?\d+(\.\d+)?|null)(?=$|\s)/.exec(input.slice(at));
    if (!match) return fail('expected a quoted value, a number or null');
    at += match[0].length;
    return match[0] === 'null' ? null : Number(match[0]);
  };
  const clause = (): Clause => {
    const negated = input[at] === '-';
    if (negated) at++;
    const name = field();
    const op = operator();
    return { negated, ...name, operator: op, value: value() };
  };

  const clauses: Clause[] = [];
  let combinator: 'and' | 'or' | undefined;
  space();
  if (at >= input.length) fail('the query is empty');
  for (;;) {
    clauses.push(clause());
    if (clauses.length > MAX_CLAUSES) throw new SearchQueryError(`A query may have at most ${MAX_CLAUSES} clauses.`);
    const before = at;
    space();
    if (at >= input.length) break;
    if (at === before) fail('expected a space between clauses');
    const word = /^(and|or)(?=\s)/i.exec(input.slice(at));
    const joined: 'and' | 'or' = word ? (word[1].toLowerCase() as 'and' | 'or') : 'and';
    if (word) {
      at += word[0].length;
      space();
    }
    if (combinator && combinator !== joined) throw new SearchQueryError('A query cannot combine AND and OR; use one of them.');
    combinator = joined;
  }
  return { combinator: combinator ?? 'and', clauses };
}
