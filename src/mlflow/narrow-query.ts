/**
 * A query string with some values of one repeated parameter left out (pure): SearchTraces (v2) names its
 * experiments as repeated `experiment_ids=` pairs, and the unreadable ones are removed before MLflow sees the
 * request.
 *
 * The query MLflow parses must be the query the gateway decided on, so nothing is re-encoded: the query string is
 * cut into its `&`-separated pairs exactly as werkzeug (Python's parse_qsl) and URLSearchParams cut it, each pair is
 * read with the gateway's own parser (params.ts parseQuery), and a pair is either kept byte for byte or left out.
 * Only pairs whose name decodes to exactly `name` are candidates (`experiment_ids[]`, `Experiment_ids`… are other
 * names, which MLflow ignores as the gateway does); an empty value names nothing and is left out too. The result
 * is parsed again and checked against what was meant, so a parser surprise fails closed instead of reaching MLflow.
 */
import { MlgateError } from '../errors.js';
import { parseQuery } from './params.js';

export interface NarrowedQuery {
  /** Values of `name` kept. */
  readonly kept: readonly string[];
  /** The query string to send on; undefined when nothing was left out. */
  readonly querystring?: string;
}

export function narrowQuery(querystring: string, name: string, allowed: ReadonlySet<string>): NarrowedQuery {
  const kept: string[] = [];
  let dropped = false;
  const pairs = querystring.split('&').filter((pair) => {
    const entries = [...parseQuery(pair)];
    const entry = entries[0];
    if (entries.length !== 1 || entry === undefined || entry[0] !== name) {
      return true;
    }
    if (entry[1] !== '' && allowed.has(entry[1])) {
      kept.push(entry[1]);
      return true;
    }
    dropped = true;
    return false;
  });
  if (!dropped) {
    return { kept };
  }
  const narrowed = pairs.join('&');
  requireSameQuery(parseQuery(querystring), parseQuery(narrowed), name, kept);
  return { kept, querystring: narrowed };
}

/** The narrowed query reads as the original with only values of `name` gone, and `kept` left of them. */
function requireSameQuery(original: URLSearchParams, narrowed: URLSearchParams, name: string, kept: string[]): void {
  const others = (query: URLSearchParams): string =>
    JSON.stringify([...query].filter(([key]) => key !== name).map(([key, value]) => [key, value]));
  if (
    others(original) !== others(narrowed) ||
    JSON.stringify(narrowed.getAll(name)) !== JSON.stringify(kept) ||
    !kept.every((value) => original.getAll(name).includes(value))
  ) {
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      `The query string could not be narrowed to the ${name} you may read without changing how it reads; ` +
        `send each ${name} as its own plain "${name}=<id>" pair.`,
    );
  }
}
