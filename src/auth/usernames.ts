/** Usernames are case-insensitive: they are stored and compared in lower case. */
const USERNAME = /^[a-z0-9][a-z0-9._@+-]{0,127}$/;

export function normalizeUsername(name: string): string {
  return name.trim().toLowerCase();
}

/** True for names made of letters, digits and . _ @ + - (as logins and e-mail addresses are). */
export function isValidUsername(name: string): boolean {
  return USERNAME.test(name);
}

const GROUP = /^[A-Za-z0-9][A-Za-z0-9._:@/+ -]{0,255}$/;

/** Group names keep their case (identity providers send them as they are). */
export function isValidGroupName(name: string): boolean {
  return GROUP.test(name);
}
