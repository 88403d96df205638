/**
 * Whether a provider's claims say the e-mail address is NOT verified (pure). An address the provider has not
 * verified must not name a user: anyone who can set that address on their provider account would take over the
 * mlgate user of that name. Providers differ in how they say it (false, "false", some send strings), so any value
 * other than true / "true" counts as "not verified"; a provider that says nothing (no email_verified claim, as
 * some do) is taken at its word.
 */
export function emailUnverified(claims: Readonly<Record<string, unknown>>): boolean {
  if (!Object.hasOwn(claims, 'email_verified')) {
    return false;
  }
  const value = claims['email_verified'];
  return !(value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true'));
}
