/**
 * Where a browser may be sent after login: a path on this gateway only. The target comes from the `rd` query
 * parameter of /_mlgate/login, which anyone can put in a link, so anything that a browser could read as another
 * origin is refused: `//host`, `/\host` (browsers read a backslash as a slash), schemes (`https:`,
 * `javascript:`), control characters (tabs and newlines are dropped by URL parsers, turning `/\t/host` into
 * `//host`), and anything else that does not start with a single slash.
 */

export const MAX_RETURN_TARGET_LENGTH = 2048;

export type ReturnTarget =
  { readonly ok: true; readonly target: string } | { readonly ok: false; readonly reason: string };

/** C0 controls, DEL and C1 controls. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) {
      return true;
    }
  }
  return false;
}
const BASE = 'http://return-target.invalid';

/** Checks `raw` (the decoded `rd` value); absent or empty means the home page "/". */
export function checkReturnTarget(raw: string | undefined | null): ReturnTarget {
  if (raw === undefined || raw === null || raw === '') {
    return { ok: true, target: '/' };
  }
  if (raw.length > MAX_RETURN_TARGET_LENGTH) {
    return { ok: false, reason: `it is longer than ${MAX_RETURN_TARGET_LENGTH} characters` };
  }
  if (hasControlCharacter(raw)) {
    return { ok: false, reason: 'it contains control characters' };
  }
  if (raw.includes('\\')) {
    return { ok: false, reason: 'it contains a backslash' };
  }
  if (!raw.startsWith('/')) {
    return { ok: false, reason: 'it is not a path on this site (it must start with "/")' };
  }
  if (raw.startsWith('//')) {
    return { ok: false, reason: 'it names another site ("//")' };
  }
  // Defence in depth: what a WHATWG URL parser makes of it must stay on the same origin, with the same path.
  let parsed: URL;
  try {
    parsed = new URL(raw, BASE);
  } catch {
    return { ok: false, reason: 'it is not a valid URL path' };
  }
  if (parsed.origin !== BASE) {
    return { ok: false, reason: 'it names another site' };
  }
  return { ok: true, target: raw };
}
