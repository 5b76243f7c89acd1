import { isDocument, isMap, parseDocument, type Document } from 'yaml';
import { type FieldIssue, isPlainObject, ROOT_FIELD } from '@spaceport/config-model';

export type FileFormat = 'yaml' | 'json';

/** `.yaml`/`.yml` → YAML, `.json` → JSON; anything else is refused (the format must be explicit). */
export function formatOfPath(path: string): FileFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  throw new Error(`config file must end in .yaml, .yml or .json: ${path}`);
}

export type DocPath = readonly string[];

/**
 * A parsed config file that can be edited in place and printed again. The YAML flavour edits the
 * YAML document tree, so comments and layout of untouched parts survive store writes.
 */
export interface EditableDocument {
  readonly data: unknown;
  set(path: DocPath, value: unknown): void;
  delete(path: DocPath): void;
  toString(): string;
}

export type DocumentParse = { ok: true; document: EditableDocument } | { ok: false; issues: FieldIssue[] };

export function parseEditableDocument(text: string, format: FileFormat): DocumentParse {
  if (text.trim() === '') return { ok: false, issues: [{ field: ROOT_FIELD, message: 'the file is empty' }] };
  return format === 'yaml' ? parseYaml(text) : parseJson(text);
}

/** A new, empty document of the given format (for a file that does not exist yet). */
export function emptyEditableDocument(format: FileFormat): EditableDocument {
  const text = format === 'yaml' ? 'version: 0\n' : '{ "version": 0 }';
  const parsed = parseEditableDocument(text, format);
  if (!parsed.ok) throw new Error('unreachable: empty document did not parse');
  return parsed.document;
}

function parseYaml(text: string): DocumentParse {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    // yaml's messages quote the offending source line; keep only code and position (secrets).
    const issues = doc.errors.map((error) => ({
      field: ROOT_FIELD,
      message: `YAML ${error.code}${positionOf(error.linePos)}`,
    }));
    return { ok: false, issues };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return { ok: false, issues: [{ field: ROOT_FIELD, message: 'YAML could not be converted (too many aliases?)' }] };
  }
  return { ok: true, document: new YamlDocument(doc, data) };
}

function positionOf(linePos: readonly { line: number; col: number }[] | undefined): string {
  const start = linePos?.[0];
  return start ? ` at line ${start.line}, column ${start.col}` : '';
}

class YamlDocument implements EditableDocument {
  constructor(
    private readonly doc: Document,
    readonly data: unknown,
  ) {}

  set(path: DocPath, value: unknown): void {
    if (!isDocument(this.doc) || (this.doc.contents !== null && !isMap(this.doc.contents))) {
      throw new Error('config document root must be a map');
    }
    // `projects:` or `triggers:` left empty parse as null: make them maps before descending.
    for (let depth = 1; depth < path.length; depth += 1) {
      const prefix = path.slice(0, depth);
      const node: unknown = this.doc.getIn(prefix, true);
      if (node !== undefined && !isMap(node)) this.doc.setIn(prefix, this.doc.createNode({}));
    }
    this.doc.setIn(path, this.doc.createNode(value));
  }

  delete(path: DocPath): void {
    if (this.doc.hasIn(path)) this.doc.deleteIn(path);
  }

  toString(): string {
    return this.doc.toString({ lineWidth: 0 });
  }
}

function parseJson(text: string): DocumentParse {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input; keep the position only.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    return {
      ok: false,
      issues: [
        {
          field: ROOT_FIELD,
          message: position === undefined ? 'invalid JSON' : `invalid JSON at position ${position}`,
        },
      ],
    };
  }
  return { ok: true, document: new JsonDocument(data) };
}

class JsonDocument implements EditableDocument {
  constructor(public data: unknown) {}

  set(path: DocPath, value: unknown): void {
    if (!isPlainObject(this.data)) this.data = {};
    let node = this.data as Record<string, unknown>;
    for (const segment of path.slice(0, -1)) {
      const next = Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (!isPlainObject(next)) defineOwn(node, segment, {});
      node = node[segment] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (last !== undefined) defineOwn(node, last, value);
  }

  delete(path: DocPath): void {
    let node: unknown = this.data;
    for (const segment of path.slice(0, -1)) {
      if (!isPlainObject(node) || !Object.hasOwn(node, segment)) return;
      node = node[segment];
    }
    const last = path[path.length - 1];
    if (isPlainObject(node) && last !== undefined) delete node[last];
  }

  toString(): string {
    return `${JSON.stringify(this.data, null, 2)}\n`;
  }
}

function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
