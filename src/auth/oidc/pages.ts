/**
 * The HTML pages of browser login: the login page (a provider picker, or a page that continues to the only
 * provider), the refusal and error pages, and the signed-out page. Everything inserted is escaped; the one inline
 * script (which carries the part of the address after "#", where the MLflow UI keeps its page, into the return
 * target: browsers never send it to the server) runs under a per-response nonce in a strict Content-Security-Policy.
 */
import { randomBytes } from 'node:crypto';

import type { MlgateError } from '../../errors.js';

export interface HtmlPage {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f6f8;color:#1f2328;margin:0;padding:64px 16px}
main{max-width:460px;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:28px 32px}
h1{font-size:1.3em;margin:0 0 12px}p{line-height:1.45}
a.provider{display:block;margin:10px 0;padding:11px 14px;border:1px solid #0969da;border-radius:6px;color:#0969da;text-decoration:none;font-weight:600}
a.provider:hover{background:#0969da;color:#fff}
.code{color:#57606a;font-size:.85em;margin-top:20px;border-top:1px solid #d0d7de;padding-top:10px}
ul{padding-left:20px}code{background:#f6f8fa;padding:1px 4px;border-radius:4px}`;

function page(status: number, title: string, body: string, scriptNonce?: string, script?: string): HtmlPage {
  const nonce = scriptNonce === undefined ? '' : ` nonce="${scriptNonce}"`;
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" +
        (scriptNonce === undefined ? '' : `; script-src 'nonce-${scriptNonce}'`),
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    },
    body: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - MLflow (mlgate)</title><style>${STYLE}</style></head>
<body><main>${body}</main>${script === undefined ? '' : `<script${nonce}>${script}</script>`}</body></html>`,
  };
}

export interface ProviderChoice {
  readonly id: string;
  readonly displayName: string;
}

/** `/_mlgate/login/<id>?rd=<target>` */
export function providerLoginHref(loginPath: string, id: string, target: string): string {
  return `${loginPath}/${encodeURIComponent(id)}?rd=${encodeURIComponent(target)}`;
}

// Carries location.hash into each link's rd (unless rd already has one); with one provider, follows the link.
const CARRY_FRAGMENT = `(function(){var h=location.hash,links=document.querySelectorAll('a[data-login]');
for(var i=0;i<links.length;i++){var u=new URL(links[i].href),rd=u.searchParams.get('rd')||'/';
if(h&&rd.indexOf('#')<0){u.searchParams.set('rd',rd+h);links[i].href=u.pathname+u.search;}}
if(links.length===1&&document.body.hasAttribute('data-continue')){location.replace(links[0].href);}})();`;

/** The login page: with several providers a picker, with one a page that continues to it at once. */
export function loginPage(loginPath: string, providers: readonly ProviderChoice[], target: string): HtmlPage {
  const nonce = randomBytes(16).toString('base64');
  const links = providers
    .map(
      (p) =>
        `<a class="provider" data-login href="${escapeHtml(providerLoginHref(loginPath, p.id, target))}">${escapeHtml(p.displayName)}</a>`,
    )
    .join('\n');
  const single = providers.length === 1;
  const result = page(
    200,
    'Log in',
    `<h1>Log in to MLflow</h1>
<p>${single ? 'Taking you to your identity provider…' : 'Choose how to log in:'}</p>
${links}`,
    nonce,
    CARRY_FRAGMENT,
  );
  return single ? { ...result, body: result.body.replace('<body>', '<body data-continue>') } : result;
}

export interface ErrorPageExtras {
  /** Groups that would let the user in (MLGATE_LOGIN_GROUP_REQUIRED). */
  readonly requiredGroups?: readonly string[];
  /** The groups the provider sent. */
  readonly yourGroups?: readonly string[];
  readonly username?: string;
  /** Why, in a sentence (e.g. which claim was missing). */
  readonly reason?: string;
  /** Where "try again" leads; default the login page. */
  readonly retryHref?: string;
}

const TITLES: Partial<Record<string, string>> = {
  MLGATE_LOGIN_GROUP_REQUIRED: 'Access to MLflow is not allowed',
  MLGATE_LOGIN_USERNAME_MISSING: 'Access to MLflow is not allowed',
  MLGATE_LOGIN_DENIED_BY_PROVIDER: 'Login did not complete',
  MLGATE_LOGIN_FAILED: 'Login failed',
  MLGATE_LOGIN_STATE_INVALID: 'Login expired',
  MLGATE_LOGIN_PROVIDER_UNAVAILABLE: 'Identity provider unavailable',
  MLGATE_LOGIN_PROVIDER_UNKNOWN: 'Unknown identity provider',
  MLGATE_LOGIN_TARGET_INVALID: 'Login link refused',
};

function groupList(groups: readonly string[]): string {
  return groups.length === 0 ? 'none' : groups.map((g) => `<code>${escapeHtml(g)}</code>`).join(', ');
}

export function errorPage(error: MlgateError, requestId: string, extras: ErrorPageExtras = {}): HtmlPage {
  const parts = [
    `<h1>${escapeHtml(TITLES[error.code] ?? 'Login problem')}</h1>`,
    `<p>${escapeHtml(error.message)}</p>`,
  ];
  if (extras.username !== undefined) {
    parts.push(`<p>Signed in at the identity provider as <strong>${escapeHtml(extras.username)}</strong>.</p>`);
  }
  if (extras.reason !== undefined) {
    parts.push(`<p>Why: ${escapeHtml(extras.reason)}.</p>`);
  }
  if (extras.requiredGroups !== undefined) {
    parts.push(
      `<p>Groups that give access: ${groupList(extras.requiredGroups)}.<br>Your groups: ${groupList(extras.yourGroups ?? [])}.</p>`,
    );
  }
  // A refusal by group or username would only repeat: the provider still knows the user.
  if (error.status !== 403 || error.code === 'MLGATE_LOGIN_DENIED_BY_PROVIDER') {
    parts.push(`<p><a href="${escapeHtml(extras.retryHref ?? '/_mlgate/login')}">Try again</a></p>`);
  }
  parts.push(
    `<p class="code">Error code <code>${escapeHtml(error.code)}</code> · request id <code>${escapeHtml(requestId)}</code></p>`,
  );
  return page(error.status, TITLES[error.code] ?? 'Login problem', parts.join('\n'));
}

export function signedOutPage(loginPath: string): HtmlPage {
  return page(
    200,
    'Signed out',
    `<h1>You are signed out</h1>
<p>Your MLflow session has ended.</p>
<p><a href="${escapeHtml(loginPath)}">Log in again</a></p>`,
  );
}

/**
 * The page GET /_mlgate/logout shows: signing out is a POST from this page (checked for its origin), so another
 * site cannot sign a user out with a link or an image.
 */
export function logoutPage(logoutPath: string): HtmlPage {
  const result = page(
    200,
    'Sign out',
    `<h1>Sign out of MLflow?</h1>
<form method="post" action="${escapeHtml(logoutPath)}"><button type="submit" id="sign-out">Sign out</button></form>`,
  );
  // A form POST from a page with "no-referrer" carries "Origin: null", which the origin check refuses; and the
  // sign-out redirects on to the provider's end-session page, which Chrome checks against form-action too.
  const csp = result.headers['Content-Security-Policy'] ?? '';
  return {
    ...result,
    headers: {
      ...result.headers,
      'Referrer-Policy': 'same-origin',
      'Content-Security-Policy': csp.replace("form-action 'self'", "form-action 'self' https: http:"),
    },
  };
}
