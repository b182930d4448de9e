// Validates every JSON body the server sends against Stripe's published OpenAPI subset
// (test/stripe-openapi/spec3.subset.json, a copy of the team's ../shared one, MIT), strictly: objects may not carry properties
// the schema does not name.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under ESM its function sits on `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const here = path.dirname(fileURLToPath(import.meta.url));
export const SPEC_PATH = process.env.CASHBOOK_OPENAPI ?? path.resolve(here, '../stripe-openapi/spec3.subset.json');

type Node = Record<string, unknown>;

function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const source = node as Node;
  const out: Node = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('x-') || key === 'nullable') continue;
    if (key === 'enum' && source['x-stripeBypassValidation']) continue;
    if (key === '$ref') out.$ref = (value as string).replace('#/components/schemas/', 'stripe#/$defs/');
    else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Node).map(([name, schema]) => [name, toJsonSchema(schema)]));
    } else out[key] = toJsonSchema(value);
  }
  // Strict: a field the schema does not name is a bug in our shapes.
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return source.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  validators: Map<string, ValidateFunction>;
}

let operations: Operation[] | undefined;
let ajv: Ajv;

function load(): Operation[] {
  if (operations) return operations;
  const spec = JSON.parse(fs.readFileSync(SPEC_PATH, 'utf8'));
  ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addFormat('unix-time', { type: 'number', validate: Number.isInteger });
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  ajv.addFormat('currency', /^[a-z]{3}$/);
  ajv.addSchema({
    $id: 'stripe',
    $defs: Object.fromEntries(Object.entries(spec.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)])),
  });
  operations = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Node>)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const method of Object.keys(item)) {
      operations.push({ method: method.toUpperCase(), template, pattern, validators: new Map() });
    }
  }
  // Literal paths first, so /v1/customers/x/cash_balance never matches a templated sibling wrongly.
  operations.sort((a, b) => (b.template.match(/\//g)!.length - a.template.match(/\//g)!.length) || (a.template.split('{').length - b.template.split('{').length));
  (load as { spec?: unknown }).spec = spec;
  return operations;
}

function validatorFor(operation: Operation, status: number): ValidateFunction | undefined {
  const spec = (load as unknown as { spec: { paths: Record<string, Record<string, { responses: Record<string, Node> }>> } }).spec;
  const key = status === 200 ? '200' : 'default';
  if (!operation.validators.has(key)) {
    const responses = spec.paths[operation.template][operation.method.toLowerCase()].responses;
    const response = (responses[key] ?? responses.default) as { content?: { 'application/json'?: { schema: unknown } } };
    const schema = response?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    operation.validators.set(key, ajv.compile(toJsonSchema(schema) as object));
  }
  return operation.validators.get(key);
}

// The subset leaves the search endpoints out; Stripe's full description gives them a
// `search_result` of the resource's own schema, which is what this checks.
const SEARCH_PATH = /^\/v1\/(customers|payment_intents|invoices|charges)\/search$/;
const SEARCH_SCHEMA: Record<string, string> = { customers: 'customer', payment_intents: 'payment_intent', invoices: 'invoice', charges: 'charge' };
const searchValidators = new Map<string, ValidateFunction>();

function searchValidator(schema: string): ValidateFunction {
  load();
  if (!searchValidators.has(schema)) {
    searchValidators.set(schema, ajv.compile({
      type: 'object',
      required: ['object', 'data', 'has_more', 'next_page', 'url'],
      additionalProperties: false,
      properties: {
        object: { enum: ['search_result'] },
        data: { type: 'array', items: { $ref: `stripe#/$defs/${schema}` } },
        has_more: { type: 'boolean' },
        next_page: { type: ['string', 'null'] },
        total_count: { type: 'integer' },
        url: { type: 'string' },
      },
    }));
  }
  return searchValidators.get(schema)!;
}

export interface Violation {
  method: string;
  url: string;
  status: number;
  problem: string;
}

/** Checks one response. Paths outside the spec (Cashbook's own extensions) are checked only for error shape. */
export function checkResponse(method: string, url: string, status: number, body: string): Violation | undefined {
  const pathname = url.split('?')[0];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { method, url, status, problem: 'body is not JSON' };
  }
  if (status >= 400) {
    const error = (parsed as { error?: Node }).error;
    if (!error || typeof error.type !== 'string' || typeof error.message !== 'string') {
      return { method, url, status, problem: `not a Stripe error body: ${body.slice(0, 200)}` };
    }
  }
  const searched = SEARCH_PATH.exec(pathname);
  if (searched && method === 'GET' && status === 200) {
    const validate = searchValidator(SEARCH_SCHEMA[searched[1]]);
    if (!validate(parsed)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
      return { method, url, status, problem: `${pathname}: ${problems.join('; ')}` };
    }
    return undefined;
  }
  const operation = load().find((op) => op.method === method && op.pattern.test(pathname));
  if (!operation) return undefined;
  const validate = validatorFor(operation, status);
  if (validate && !validate(parsed)) {
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    return { method, url, status, problem: `${operation.template}: ${problems.join('; ')}` };
  }
  return undefined;
}
