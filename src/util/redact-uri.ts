/** A URL or connection string without the credentials it may carry, for logs and messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//<credentials>@');
}
