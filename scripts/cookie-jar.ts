/**
 * A browser's cookies for the origins it visits, for tests and benchmarks that follow a login without a browser:
 * requests follow no redirect by themselves, send the cookies kept so far and keep what the answer sets.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  readonly setCookieLines: string[] = [];

  async get(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const answer = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: this.header(), accept: 'text/html', ...init.headers },
    });
    for (const line of answer.headers.getSetCookie()) {
      this.setCookieLines.push(line);
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return answer;
  }

  /** The Cookie header of the cookies whose names start with `prefix` (all by default). */
  header(prefix = ''): string {
    return [...this.cookies]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }
}
