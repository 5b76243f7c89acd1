// A small parser of the Prometheus text exposition format (0.0.4), for tests that scrape /metrics:
// samples with their labels and values, and the declared type of each metric family.

export interface MetricSample {
  /** sample name, e.g. `spaceport_deliveries_total` or `…_bucket` */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedMetrics {
  readonly samples: readonly MetricSample[];
  /** family name → counter | gauge | histogram | summary | untyped */
  readonly types: ReadonlyMap<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;

/** Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a sample value: ${text}`);
  return value;
}

/** `a="x",b="y\"z"` → { a: 'x', b: 'y"z' } (escapes: \\ \" \n). */
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`bad labels: ${text}`);
    const name = text.slice(i, eq).trim();
    if (text[eq + 1] !== '"') throw new Error(`bad labels: ${text}`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j += 1) {
      if (text[j] === '\\') {
        j += 1;
        value += text[j] === 'n' ? '\n' : (text[j] ?? '');
      } else value += text[j];
    }
    if (j >= text.length) throw new Error(`unterminated label value: ${text}`);
    labels[name] = value;
    i = j + 1;
    while (text[i] === ',' || text[i] === ' ') i += 1;
  }
  return labels;
}

export function parsePrometheusText(text: string): ParsedMetrics {
  const samples: MetricSample[] = [];
  const types = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type?.[1] && type[2]) types.set(type[1], type[2]);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match?.[1] || match[3] === undefined) throw new Error(`not a sample line: ${line}`);
    samples.push({ name: match[1], labels: match[2] ? parseLabels(match[2]) : {}, value: parseValue(match[3]) });
  }
  return { samples, types };
}

/** Samples named `name` whose labels include every pair of `labels`. */
export function samplesOf(
  metrics: ParsedMetrics,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): MetricSample[] {
  return metrics.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** Sum of the matching samples' values (0 when none match). */
export function sampleSum(metrics: ParsedMetrics, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samplesOf(metrics, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

/** GET `<baseUrl>/metrics`, parsed; throws on a non-200 answer or a wrong content type. */
export async function scrapeMetrics(baseUrl: string): Promise<ParsedMetrics> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET ${baseUrl}/metrics → ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain')) throw new Error(`GET ${baseUrl}/metrics: content-type ${type}`);
  return parsePrometheusText(await res.text());
}
