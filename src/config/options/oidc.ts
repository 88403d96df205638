/** Options: Browser single sign-on through OIDC. */
import type { OptionSpec } from '../schema.js';

export const OIDC_OPTIONS: readonly OptionSpec[] = [
  // ---- Browser single sign-on through OIDC (issue 7: OIDC login, users and groups from the provider) ----
  {
    path: 'oidc.discovery_url',
    type: 'string',
    default: '',
    aliases: ['OIDC_DISCOVERY_URL'],
    description:
      "The provider's OpenID Connect discovery document (https://.../.well-known/openid-configuration). Empty: no " +
      'browser login from this setting (providers may still come from oidc.providers_file; with neither, only ' +
      'the other kinds of credentials work). Plain http is accepted only for a provider on this host (loopback).',
  },
  {
    path: 'oidc.client_id',
    type: 'string',
    default: '',
    aliases: ['OIDC_CLIENT_ID'],
    description: 'Client id of mlgate at the provider (required with oidc.discovery_url).',
  },
  {
    path: 'oidc.client_secret',
    type: 'string',
    default: '',
    aliases: ['OIDC_CLIENT_SECRET'],
    secret: true,
    description: 'Client secret of mlgate at the provider. Empty: a public client (PKCE only).',
  },
  {
    path: 'oidc.redirect_uri',
    type: 'string',
    default: '/callback',
    aliases: ['OIDC_REDIRECT_URI'],
    description:
      'Where the provider sends the browser back after login, registered at the provider: a path on the gateway ' +
      '(the URL is then built from the address the browser used) or an absolute URL, whose path is served. One ' +
      'callback serves every provider. Register <gateway>/_mlgate/signed-out as a post-logout redirect URI too.',
  },
  {
    path: 'oidc.scope',
    type: 'string',
    default: 'openid email profile',
    aliases: ['OIDC_SCOPE'],
    description: 'Scopes asked for at login, separated by spaces or commas; must include openid.',
  },
  {
    path: 'oidc.display_name',
    type: 'string',
    default: 'Login with OIDC',
    aliases: ['OIDC_PROVIDER_DISPLAY_NAME'],
    description: 'Name of the provider on the login page.',
  },
  {
    path: 'oidc.username_claims',
    type: 'string-list',
    default: ['email', 'preferred_username'],
    aliases: ['OIDC_USERNAME_FIELD'],
    description:
      'Claims that name the user, tried in order; the first present is the username (trimmed, lower-cased). An ' +
      'e-mail address the provider marks email_verified: false is refused.',
  },
  {
    path: 'oidc.groups_attribute',
    type: 'string',
    default: 'groups',
    aliases: ['OIDC_GROUPS_ATTRIBUTE'],
    description:
      'Claim that holds the groups: a claim name (colons allowed, e.g. urn:mlflow:groups) or a dotted path into ' +
      'nested claims (e.g. realm_access.roles); a claim of exactly that name wins over the path. A bare string ' +
      'counts as one group.',
  },
  {
    path: 'oidc.userinfo_groups',
    type: 'boolean',
    default: false,
    aliases: ['OIDC_USERINFO_GROUPS'],
    description:
      "Also read the groups from the provider's userinfo endpoint (for providers that leave them out of the ID token).",
  },
  {
    path: 'oidc.allowed_groups',
    type: 'string-list',
    default: ['mlflow'],
    aliases: ['OIDC_GROUP_NAME'],
    description:
      'Only members of these groups (or of auth.admin_groups, or administrators) may log in through a provider; ' +
      'others get a page saying which groups they need. Empty: every user the provider authenticates.',
  },
  {
    path: 'oidc.providers_file',
    type: 'string',
    default: '',
    aliases: ['AUTH_PROVIDERS_FILE'],
    description:
      'A YAML or JSON file listing more OIDC providers (id, display_name, discovery_url, client_id, ...; see ' +
      'docs/identity.md); the login page then lets the user choose.',
  },
  {
    path: 'oidc.login_timeout_ms',
    type: 'integer',
    default: 600_000,
    min: 30_000,
    max: 3_600_000,
    description: 'How long a browser may take to log in at the provider and come back; the login state is single use.',
  },
  {
    path: 'oidc.http_timeout_ms',
    type: 'integer',
    default: 10_000,
    min: 500,
    max: 120_000,
    description: "Longest the gateway waits for the provider's discovery, token, keys and userinfo endpoints.",
  },
];
