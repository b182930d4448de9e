// A strict reader of the Prometheus text exposition format (version 0.0.4), for the metrics
// test. Written here because the npm parser we tried (parse-prometheus-text-format 1.1.1)
// merges the series of a labelled histogram into one. It refuses any line outside the format
// and checks what a scraper relies on: each family typed once before its samples, label
// escaping, and histograms whose buckets are cumulative with `+Inf` equal to `_count`.
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  series: Series[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+)( -?\d+)?$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"(,|$)/;

function parseValue(text: string, line: string): number {
  // Prometheus reads values with Go's ParseFloat, which takes Inf and NaN in any case (prom-client writes "Nan").
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^[-+]?nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`not a sample value: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL.exec(rest);
    if (!match) throw new Error(`bad labels: ${line}`);
    if (match[1] in labels) throw new Error(`label ${match[1]} twice: ${line}`);
    labels[match[1]] = match[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(match[0].length);
  }
  return labels;
}

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  if (families.has(sample)) return families.get(sample);
  for (const suffix of ['_bucket', '_count', '_sum']) {
    const family = sample.endsWith(suffix) ? families.get(sample.slice(0, -suffix.length)) : undefined;
    if (family && (family.type === 'histogram' || (family.type === 'summary' && suffix !== '_bucket'))) return family;
  }
  return undefined;
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name)) throw new Error(`bad metric name: ${line}`);
      const family = families.get(name) ?? { name, type: 'untyped' as const, help: '', series: [] };
      if (family.series.length > 0) throw new Error(`${kind} after samples of ${name}`);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type: ${line}`);
        family.type = rest as Family['type'];
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const family = familyOf(sample[1], families);
    if (!family) throw new Error(`sample of an undeclared family: ${line}`);
    family.series.push({ name: sample[1], labels: parseLabels(sample[3] ?? '', line), value: parseValue(sample[4], line) });
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

const withoutLe = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());

function checkHistogram(family: Family): void {
  const groups = new Map<string, Series[]>();
  for (const s of family.series) groups.set(withoutLe(s.labels), [...(groups.get(withoutLe(s.labels)) ?? []), s]);
  for (const [labels, series] of groups) {
    const buckets = series.filter((s) => s.name === `${family.name}_bucket`);
    const count = series.find((s) => s.name === `${family.name}_count`);
    if (!count || !series.some((s) => s.name === `${family.name}_sum`)) throw new Error(`${family.name}${labels}: no _count or _sum`);
    for (let i = 1; i < buckets.length; i++) {
      if (Number(buckets[i].labels.le) <= Number(buckets[i - 1].labels.le) || buckets[i].value < buckets[i - 1].value) throw new Error(`${family.name}${labels}: buckets not cumulative`);
    }
    const inf = buckets.at(-1);
    if (!inf || inf.labels.le !== '+Inf' || inf.value !== count.value) throw new Error(`${family.name}${labels}: +Inf bucket differs from _count`);
  }
}

/** The one series of `name` (a family's name or a suffixed one) with these labels (others may differ). */
export function seriesValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = familyOf(name, families);
  const found = family?.series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) ?? [];
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}
