import { LineCounter, parseAllDocuments } from 'yaml';

/** One YAML document of a descriptor file, not yet validated. */
export interface ParsedDocument {
  data: unknown;
  /** 1-based line where the document starts. */
  line: number;
}

export interface ParseProblem {
  line?: number;
  message: string;
}

export interface ParseResult {
  documents: ParsedDocument[];
  problems: ParseProblem[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a descriptor file: multi-document YAML (JSON is YAML too). A
 * binary file, invalid UTF-8, a syntax error or a document with an
 * `__proto__` key is a problem with its line; the other documents of the
 * file still count, unless the YAML itself is broken, where nothing in the
 * file is trusted.
 */
export function parseDescriptor(content: Buffer): ParseResult {
  if (content.includes(0)) {
    return {
      documents: [],
      problems: [{ message: 'binary file, expected YAML text' }],
    };
  }
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    return { documents: [], problems: [{ message: 'not valid UTF-8 text' }] };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const syntax = list.flatMap(doc =>
    doc.errors.map(e => ({
      line: lineCounter.linePos(e.pos[0]).line,
      message: `YAML syntax error: ${e.message.split('\n')[0]}`,
    })),
  );
  if (syntax.length > 0) {
    return { documents: [], problems: syntax };
  }
  const documents: ParsedDocument[] = [];
  const problems: ParseProblem[] = [];
  for (const doc of list) {
    if (doc.contents === null) continue; // empty document, e.g. a trailing ---
    const line = lineCounter.linePos(doc.contents.range?.[0] ?? 0).line;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push({
        line,
        message: `YAML document cannot be read: ${(error as Error).message}`,
      });
      continue;
    }
    if (data === null || data === undefined) continue; // e.g. a trailing ---
    const forbidden = findForbiddenKey(data);
    if (forbidden) {
      problems.push({
        line,
        message: `forbidden key "${forbidden}" in document`,
      });
      continue;
    }
    documents.push({ data, line });
  }
  return { documents, problems };
}

/**
 * Finds a key that could reach an object prototype when merged somewhere:
 * depth first, in key order, at any depth (without recursion, as the YAML
 * parser allows deeper nesting than a recursive walk should go; aliases
 * can make a document cyclic).
 */
function findForbiddenKey(value: unknown): string | undefined {
  const stack: Array<{ path: string; key?: string; value: unknown }> = [
    { path: '', value },
  ];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (at.key === '__proto__') return at.path;
    if (at.value === null || typeof at.value !== 'object') continue;
    if (seen.has(at.value)) continue;
    seen.add(at.value);
    const children = Array.isArray(at.value)
      ? at.value.map(item => ({ path: at.path, value: item }))
      : Object.entries(at.value).map(([key, item]) => ({
          path: at.path ? `${at.path}.${key}` : key,
          key,
          value: item,
        }));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return undefined;
}
