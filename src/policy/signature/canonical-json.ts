/**
 * The form OPA hashes a structured bundle file in (data.json, .manifest) before comparing it with its signature:
 * the JSON re-encoded compactly with every object's keys sorted, numbers as written, strings as Go's encoder writes
 * them (no HTML escaping). So a signature does not depend on whitespace or key order. Pure: text in, text out.
 */

/** The canonical text of a JSON document; throws on text that is not JSON. */
export function canonicalJson(text: string): string {
  const reader = { text, at: 0 };
  skipSpace(reader);
  const out = readValue(reader);
  skipSpace(reader);
  if (reader.at !== text.length) {
    throw new SyntaxError(`unexpected text at offset ${reader.at}`);
  }
  return out;
}

interface Reader {
  readonly text: string;
  at: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function readValue(reader: Reader): string {
  const char = reader.text[reader.at];
  if (char === '{') {
    return readObject(reader);
  }
  if (char === '[') {
    return readArray(reader);
  }
  if (char === '"') {
    return encodeString(JSON.parse(match(reader, STRING)) as string);
  }
  for (const literal of ['true', 'false', 'null']) {
    if (reader.text.startsWith(literal, reader.at)) {
      reader.at += literal.length;
      return literal;
    }
  }
  return match(reader, NUMBER);
}

function readObject(reader: Reader): string {
  reader.at += 1;
  const members = new Map<string, string>();
  skipSpace(reader);
  if (reader.text[reader.at] === '}') {
    reader.at += 1;
    return '{}';
  }
  for (;;) {
    skipSpace(reader);
    const key = JSON.parse(match(reader, STRING)) as string;
    skipSpace(reader);
    expect(reader, ':');
    skipSpace(reader);
    members.set(key, readValue(reader)); // a repeated key keeps its last value, as Go's decoder does
    skipSpace(reader);
    if (reader.text[reader.at] === '}') {
      reader.at += 1;
      break;
    }
    expect(reader, ',');
  }
  const keys = [...members.keys()].sort(compareUtf8);
  return '{' + keys.map((key) => `${encodeString(key)}:${members.get(key) as string}`).join(',') + '}';
}

function readArray(reader: Reader): string {
  reader.at += 1;
  const items: string[] = [];
  skipSpace(reader);
  if (reader.text[reader.at] === ']') {
    reader.at += 1;
    return '[]';
  }
  for (;;) {
    skipSpace(reader);
    items.push(readValue(reader));
    skipSpace(reader);
    if (reader.text[reader.at] === ']') {
      reader.at += 1;
      break;
    }
    expect(reader, ',');
  }
  return '[' + items.join(',') + ']';
}

/** A string as Go's encoding/json writes it with HTML escaping off. */
function encodeString(value: string): string {
  return JSON.stringify(value).replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

/** Go sorts map keys by their bytes (UTF-8), not by UTF-16 code units. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function match(reader: Reader, pattern: RegExp): string {
  pattern.lastIndex = reader.at;
  const found = pattern.exec(reader.text);
  if (found === null) {
    throw new SyntaxError(`unexpected text at offset ${reader.at}`);
  }
  reader.at += found[0].length;
  return found[0];
}

function expect(reader: Reader, char: string): void {
  if (reader.text[reader.at] !== char) {
    throw new SyntaxError(`expected "${char}" at offset ${reader.at}`);
  }
  reader.at += 1;
}

function skipSpace(reader: Reader): void {
  while (/[ \t\n\r]/.test(reader.text[reader.at] ?? '')) {
    reader.at += 1;
  }
}
