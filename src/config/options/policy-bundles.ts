/** Options: Policy bundles for GitOps (watched file, URL with ETag, signatures). */
import type { OptionSpec } from '../schema.js';

export const POLICY_BUNDLES_OPTIONS: readonly OptionSpec[] = [
  // Policy bundles for GitOps (issue 8, item 5).
  {
    path: 'policy.bundle_url',
    type: 'string',
    default: '',
    secret: true,
    description:
      "An http(s) URL to poll for the bundle instead of policy.bundle, as OPA's bundle protocol does (If-None-Match " +
      'with the ETag of the active bundle; 304 keeps it). The first download must succeed for mlgate to start.',
  },
  {
    path: 'policy.watch',
    type: 'boolean',
    default: true,
    description:
      'Watch policy.bundle (file or directory) and activate a new bundle put in its place, without a restart. ' +
      'A bundle that cannot be used is refused and the last good one keeps deciding.',
  },
  {
    path: 'policy.poll_interval_ms',
    type: 'integer',
    default: 10_000,
    min: 100,
    max: 86_400_000,
    description:
      'How often policy.bundle_url is polled (give or take 10 %), and how often a watched policy.bundle is ' +
      'checked in case a file change event was missed.',
  },
  {
    path: 'policy.poll_timeout_ms',
    type: 'integer',
    default: 30_000,
    min: 100,
    max: 600_000,
    description: 'Longest download of policy.bundle_url; a slower one is abandoned and the current bundle kept.',
  },
  {
    path: 'policy.signing_key',
    type: 'string',
    default: '',
    description:
      'PEM public key (inline, or the path of a file) that bundle signatures (.signatures.json, from "opa build ' +
      '--signing-key" or "opa sign") are checked with. A signed bundle is refused without it.',
  },
  {
    path: 'policy.signing_scope',
    type: 'string',
    default: '',
    description: 'The scope a bundle signature must name ("opa sign --scope"); empty: signatures without a scope.',
  },
  {
    path: 'policy.require_signature',
    type: 'boolean',
    default: false,
    description: 'Refuse any bundle that is not signed with policy.signing_key (needs policy.signing_key).',
  },
];
