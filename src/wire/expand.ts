// Expansion: `expand[]=a.b.c` turns expandable id fields into objects, up to four levels.
// Resources register how to load an object from its id prefix, which of their fields are
// expandable, and which fields appear only when asked for ("includable", like
// customer.cash_balance).
import { ApiError } from '../core/errors.ts';
import type { ReadTx } from '../store/types.ts';
import type { RequestContext } from './context.ts';

type WireObject = Record<string, unknown>;
type Loader = (tx: ReadTx, ctx: RequestContext, id: string) => Promise<WireObject | undefined>;
type Includer = (tx: ReadTx, ctx: RequestContext, object: WireObject) => Promise<unknown>;

const MAX_DEPTH = 4;
const loaders = new Map<string, Loader>();
const expandableFields = new Map<string, Set<string>>();
const includers = new Map<string, Map<string, Includer>>();

/** Registers how to load objects whose ids start with `prefix_`. */
export function registerLoader(prefix: string, loader: Loader): void {
  loaders.set(prefix, loader);
}

/** Registers the expandable id fields of an object type (dots reach into sub-hashes). */
export function registerExpandable(objectType: string, fields: string[]): void {
  const set = expandableFields.get(objectType) ?? new Set<string>();
  for (const field of fields) set.add(field);
  expandableFields.set(objectType, set);
}

/** Registers a field that is absent unless expanded, computed from its object. */
export function registerIncludable(objectType: string, field: string, includer: Includer): void {
  const map = includers.get(objectType) ?? new Map<string, Includer>();
  map.set(field, includer);
  includers.set(objectType, map);
}

function cannotExpand(path: string): ApiError {
  return new ApiError(`This property cannot be expanded (${path}).`, { param: 'expand' });
}

async function loadById(tx: ReadTx, ctx: RequestContext, id: string): Promise<WireObject | undefined> {
  const prefix = id.slice(0, id.indexOf('_'));
  const loader = loaders.get(prefix);
  return loader ? loader(tx, ctx, id) : undefined;
}

async function expandPath(tx: ReadTx, ctx: RequestContext, object: WireObject, path: string[], fullPath: string, depth: number): Promise<void> {
  // A deleted object is its stub ({ id, object, deleted }): nothing inside it expands (Stripe's too).
  if (path.length === 0 || object.deleted === true) return;
  if (depth >= MAX_DEPTH) {
    throw new ApiError(`You cannot expand more than ${MAX_DEPTH} levels of a property (${fullPath}).`, { param: 'expand' });
  }
  const type = String(object.object);
  for (let length = path.length; length >= 1; length--) {
    const field = path.slice(0, length).join('.');
    const includer = includers.get(type)?.get(field);
    if (length === 1 && includer) {
      if (object[field] === undefined) object[field] = await includer(tx, ctx, object);
      const value = object[field];
      if (value && typeof value === 'object') await expandPath(tx, ctx, value as WireObject, path.slice(1), fullPath, depth + 1);
      return;
    }
    if (!expandableFields.get(type)?.has(field)) continue;
    const parentPath = path.slice(0, length - 1);
    let parent: WireObject | undefined = object;
    for (const part of parentPath) parent = parent?.[part] as WireObject | undefined;
    if (!parent || typeof parent !== 'object') return;
    const leaf = path[length - 1];
    const value = parent[leaf];
    if (typeof value === 'string') {
      const loaded = await loadById(tx, ctx, value);
      if (loaded) parent[leaf] = loaded;
    }
    const expanded = parent[leaf];
    if (expanded && typeof expanded === 'object') {
      await expandPath(tx, ctx, expanded as WireObject, path.slice(length), fullPath, depth + 1);
    } else if (path.length > length && expanded !== null) {
      throw cannotExpand(fullPath);
    }
    return;
  }
  throw cannotExpand(fullPath);
}

/** Applies `expand` paths to a response: an object, or a list whose paths start with `data.`. */
export async function expandResponse(tx: ReadTx, ctx: RequestContext, body: WireObject, paths: string[] | undefined): Promise<WireObject> {
  if (!paths || paths.length === 0) return body;
  for (const fullPath of [...new Set(paths)]) {
    const parts = fullPath.split('.');
    if (parts.some((part) => part === '')) throw cannotExpand(fullPath);
    // The depth is known from the path itself: refuse it before loading anything.
    if (parts.length - (body.object === 'list' || body.object === 'search_result' ? 1 : 0) > MAX_DEPTH) {
      throw new ApiError(`You cannot expand more than ${MAX_DEPTH} levels of a property (${fullPath}).`, { param: 'expand' });
    }
    if (body.object === 'list' || body.object === 'search_result') {
      if (parts[0] !== 'data') throw cannotExpand(fullPath);
      for (const item of body.data as WireObject[]) await expandPath(tx, ctx, item, parts.slice(1), fullPath, 0);
    } else {
      await expandPath(tx, ctx, body, parts, fullPath, 0);
    }
  }
  return body;
}
