/**
 * Header values as the client sent them (pure). Node keeps only the first of some repeated headers
 * (Authorization among them) in `req.headers`; `req.rawHeaders` has every one, names in their original case.
 */
export function rawHeaderValues(rawHeaders: readonly string[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === wanted) {
      values.push(rawHeaders[i + 1] as string);
    }
  }
  return values;
}
