// Event-type matching, pure: which types an endpoint's enabled_events select, and which
// types a list filter (`type`, with `*` wildcards, or `types[]`) names.
import { EVENT_TYPES } from './event-type-names.ts';

export { EVENT_TYPES };

/** Whether `type` is selected by an endpoint's `enabled_events` (`*` selects every type). */
export function endpointWants(enabledEvents: readonly string[], type: string): boolean {
  for (const pattern of enabledEvents) if (typeMatches(pattern, type)) return true;
  return false;
}

/** `*` matches everything, `a.b.*` every type under `a.b.`, anything else only itself. */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/**
 * The exact type names a filter pattern stands for, or `null` for "no filter" (`*`).
 * A wildcard is expanded over the known types; an exact name stands for itself even when
 * unknown, so events of newer types can still be filtered by name.
 */
export function expandTypePattern(pattern: string, known: ReadonlySet<string> = EVENT_TYPES): string[] | null {
  if (pattern === '*') return null;
  if (!pattern.includes('*')) return [pattern];
  return [...known].filter((type) => typeMatches(pattern, type)).sort();
}

/** A filter pattern is valid when it is `*`, a name, or `prefix.*` with one trailing wildcard. */
export function isValidTypePattern(pattern: string): boolean {
  if (pattern === '*') return true;
  const star = pattern.indexOf('*');
  return star === -1 || (star === pattern.length - 1 && pattern.endsWith('.*') && pattern.length > 2);
}
