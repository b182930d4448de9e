// Parameter schemas (zod) for Stripe's form-encoded values, and the mapping from a failed
// parse to Stripe's error for the first problem, checked in a fixed order:
// unknown parameters, then missing ones, then invalid values.
import { z } from 'zod';
import { ApiError } from '../core/errors.ts';
import { MAX_AMOUNT_MINOR, SUPPORTED_CURRENCIES } from '../core/money.ts';

type Code = string;

function fail(ctx: z.RefinementCtx, message: string, code?: Code): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, params: { stripeCode: code } });
  return z.NEVER;
}

/** Characters as a person counts them (code points): an emoji is one, not two UTF-16 units. */
export function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const emptyMessage = (param: string) =>
  `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`;

/** What a JSON body gave instead of a string (a form gives only strings, hashes and arrays). */
function given(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A string; an empty string is refused unless the parameter can be unset. */
function string(options: { max?: number; emptyable?: boolean } = {}) {
  const max = options.max ?? 5000;
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return fail(ctx, '', 'parameter_missing');
    if (typeof value !== 'string') return fail(ctx, `Invalid string: ${given(value)} was given where a string was expected`, 'parameter_invalid_string');
    if (value === '' && !options.emptyable) return fail(ctx, '{empty}', 'parameter_invalid_empty');
    if (value.length > max && characters(value) > max) return fail(ctx, `Invalid string: must be at most ${max} characters long`);
    return value;
  });
}

/** A string of the form `pattern` describes (`what`, for the message). */
function matching(pattern: RegExp, what: string) {
  return string({ max: 5000 }).transform((value, ctx) => (pattern.test(value) ? value : fail(ctx, `Invalid value ${JSON.stringify(value.slice(0, 100))}: must be ${what}.`)));
}

/** An empty string means "unset": the result is null. */
function nullableString(max = 5000) {
  return string({ max, emptyable: true }).transform((value) => (value === '' ? null : value));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether `text` is an email address: one @, a dot in its domain, no space, control character or lone surrogate. */
function isEmail(text: string): boolean {
  return EMAIL.test(text) && !/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

const badEmail = (ctx: z.RefinementCtx, value: string) => fail(ctx, `Invalid email address: ${JSON.stringify(value).slice(1, -1)}`, 'email_invalid');

/** An email address (`email_invalid` otherwise, as Stripe answers). */
function email(max = 512) {
  return string({ max }).transform((value, ctx) => (isEmail(value) ? value : badEmail(ctx, value)));
}

/** An email address that an empty string unsets (the result is null). */
function nullableEmail(max = 512) {
  return nullableString(max).transform((value, ctx) => (value === null || isEmail(value) ? value : badEmail(ctx, value)));
}

function integer(options: { min?: number; max?: number } = {}) {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return fail(ctx, '', 'parameter_missing');
    if (value === '') return fail(ctx, '{empty}', 'parameter_invalid_empty');
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !/^-?\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
      return fail(ctx, `Invalid integer: ${typeof value === 'string' ? value : JSON.stringify(value)}`, 'parameter_invalid_integer');
    }
    const number = Number(text);
    if (number < min) return fail(ctx, `This value must be greater than or equal to ${min}.`, 'parameter_invalid_integer');
    if (number > max) return fail(ctx, `This value must be less than or equal to ${max}.`, 'parameter_invalid_integer');
    return number;
  });
}

/** Built once: a schema per request cost a sixth of a funding's CPU (issue 17). */
const anyInteger = integer();

/** A positive amount in minor units, bounded by Stripe's eight-digit limit. */
function amount() {
  return z.unknown().transform((value, ctx) => {
    const parsed = anyInteger.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] as { message: string; params?: { stripeCode?: string } };
      return fail(ctx, issue.message, issue.params?.stripeCode);
    }
    if (parsed.data < 1) return fail(ctx, 'This value must be greater than or equal to 1.', 'amount_too_small');
    if (parsed.data > MAX_AMOUNT_MINOR) return fail(ctx, `Amount must be no more than ${MAX_AMOUNT_MINOR}.`, 'amount_too_large');
    return parsed.data;
  });
}

/** `true`/`false` in any case, as Stripe reads them (Python's str(True) is `True`). */
function boolean() {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return fail(ctx, '', 'parameter_missing');
    const text = typeof value === 'string' ? value.toLowerCase() : value;
    if (text === true || text === 'true') return true;
    if (text === false || text === 'false') return false;
    return fail(ctx, `Invalid boolean: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  });
}

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return fail(ctx, '', 'parameter_missing');
    if (value === '') return fail(ctx, '{empty}', 'parameter_invalid_empty');
    if (typeof value !== 'string' || !values.includes(value)) {
      const list = values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1]}`;
      return fail(ctx, `Invalid {param}: must be one of ${list}`);
    }
    return value as T[number];
  });
}

function currency(allowed?: readonly string[]) {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return fail(ctx, '', 'parameter_missing');
    if (value === '') return fail(ctx, '{empty}', 'parameter_invalid_empty');
    const code = typeof value === 'string' ? value.toLowerCase() : '';
    const ok = allowed ? allowed.includes(code) : SUPPORTED_CURRENCIES.has(code);
    if (!ok) return fail(ctx, `Invalid currency: ${typeof value === 'string' ? value : ''}. ${allowed ? `Must be one of ${allowed.join(', ')}` : 'Stripe currently supports these currencies: ' + [...SUPPORTED_CURRENCIES].join(', ')}.`);
    return code;
  });
}

/** Accepts `a[]=x`, `a[0]=x` (an array) or an object keyed by indexes, as qs may give. */
function array<T extends z.ZodType>(item: T, options: { max?: number } = {}) {
  return z
    .unknown()
    .transform((value, ctx) => {
      if (value === undefined) return fail(ctx, '', 'parameter_missing');
      if (value === '') return [];
      let items: unknown[];
      if (Array.isArray(value)) items = value;
      else if (value && typeof value === 'object' && Object.keys(value).every((k) => /^\d+$/.test(k))) {
        items = Object.entries(value).sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
      } else return fail(ctx, 'Invalid array');
      if (items.length > (options.max ?? 100)) return fail(ctx, `Invalid array: must have at most ${options.max ?? 100} elements`);
      return items;
    })
    .pipe(z.array(item));
}

/** Metadata: up to 50 string keys of 40 characters, values of 500; "" unsets. */
function metadata() {
  return z.unknown().transform((value, ctx) => {
    if (value === '') return {} as Record<string, string>;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return fail(ctx, 'Invalid object');
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key, entry] of entries) {
      if (typeof entry !== 'string' && typeof entry !== 'number' && typeof entry !== 'boolean') {
        return fail(ctx, `Metadata values must be strings, but for key '${key}' you passed an object.`);
      }
      // As in a form, where `metadata[]` and a bracket inside a key are refused: JSON must not store what a form cannot reach.
      if (key === '') return fail(ctx, 'Metadata keys cannot be empty.');
      if (/[[\]]/.test(key)) return fail(ctx, `Metadata keys cannot contain square brackets, but key '${key}' does.`);
      if (key.length > 40 && characters(key) > 40) return fail(ctx, `Metadata keys can have up to 40 characters, but key '${key}' has ${characters(key)}.`);
      if (String(entry).length > 500 && characters(String(entry)) > 500) return fail(ctx, `Metadata values can have up to 500 characters, but for key '${key}' you passed ${characters(String(entry))}.`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, String(v)])) as Record<string, string>;
  });
}

export const param = { string, matching, nullableString, email, nullableEmail, integer, amount, boolean, enumOf, currency, array, metadata };

/** Merges a metadata update into existing metadata: "" removes a key; at most 50 keys. */
export function mergeMetadata(current: Record<string, string>, update: Record<string, string> | undefined, replaceAll: boolean): Record<string, string> {
  if (update === undefined) return current;
  const next: Record<string, string> = replaceAll ? {} : { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > 50) {
    throw new ApiError('You can have at most 50 metadata keys.', { param: 'metadata' });
  }
  return next;
}

/** `a.b.c` path → Stripe's bracket form `a[b][c]`. */
export function bracketPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return head + rest.map((part) => `[${part}]`).join('');
}

interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  params?: { stripeCode?: string };
}

function rank(issue: IssueLike): number {
  if (issue.code === 'unrecognized_keys') return 0;
  if (issue.params?.stripeCode === 'parameter_missing') return 1;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 1;
  return 2;
}

/** Unions (`'' | hash`, `integer | range`) report every branch; Stripe names the most telling one. */
function unionIssue(issue: IssueLike): IssueLike {
  const branches = (issue as IssueLike & { errors?: IssueLike[][] }).errors;
  if (issue.code !== 'invalid_union' || !branches?.length) return issue;
  const score = (candidate: IssueLike) =>
    candidate.code === 'unrecognized_keys' ? 0 : candidate.code === 'custom' ? 1 : candidate.code === 'invalid_type' ? 2 : 3;
  const candidates = branches.flatMap((branch) => branch.slice(0, 1));
  candidates.sort((a, b) => score(a) - score(b) || b.path.length - a.path.length);
  return unionIssue({ ...candidates[0], path: [...issue.path, ...candidates[0].path] });
}

function toApiError(raw: IssueLike): ApiError {
  const issue = unionIssue(raw);
  if (issue.code === 'unrecognized_keys') {
    const name = bracketPath([...issue.path, issue.keys![0]]);
    return new ApiError(`Received unknown parameter: ${name}`, { code: 'parameter_unknown', param: name });
  }
  const name = bracketPath(issue.path);
  const code = issue.params?.stripeCode;
  if (code === 'parameter_missing') return new ApiError(`Missing required param: ${name}.`, { code, param: name });
  if (code === 'parameter_invalid_empty') return new ApiError(emptyMessage(name), { code, param: name });
  if (issue.code === 'invalid_type') {
    if (/received undefined/.test(issue.message)) return new ApiError(`Missing required param: ${name}.`, { code: 'parameter_missing', param: name });
    return new ApiError(`Invalid ${name}: expected a hash`, { param: name });
  }
  return new ApiError(issue.message.replace('{param}', name), { code: code === 'parameter_invalid_string' ? undefined : code, param: name });
}

/** Parses decoded parameters; throws the Stripe error for the first problem found. */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = (result.error.issues as unknown as IssueLike[]).slice().sort((a, b) => rank(a) - rank(b));
  throw toApiError(issues[0]);
}

/** A strict object: unknown keys are refused; `expand` is accepted everywhere. */
export function paramsObject<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ ...shape, expand: array(string({ max: 500 }), { max: 100 }).optional() });
}

/** A nested hash parameter (strict); an empty string means "unset" and gives null. */
export function hash<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape);
}
