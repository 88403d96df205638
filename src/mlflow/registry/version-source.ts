/**
 * What the `source` of CreateModelVersion names (pure), read as MLflow's handler and auth read it with Python's
 * urllib.parse.urlparse (Python 3.11) and mlflow's _parse_model_uri / RunsArtifactRepository.parse_runs_uri:
 *
 *   models:/<name>/<version|stage|latest>, models:/<name>@<alias>   a registered model (or prompt): MLflow copies
 *                                                                   that version, so READ on it is required
 *   models:/<model_id>                                              a logged model
 *   runs:/<run_id>/<path>                                           a run
 *
 * Anything else names nothing here (MLflow itself checks that a local or mlflow-artifacts source lies in the
 * artifacts of the run_id or model_id the request names, which the route checks). A models:/ source with a host
 * ("models://host/...") is refused, as MLflow refuses it.
 */
import { MlgateError } from '../../errors.js';

export type SourceReference =
  | { readonly kind: 'registered_model_name'; readonly value: string }
  | { readonly kind: 'logged_model'; readonly value: string }
  | { readonly kind: 'run'; readonly value: string };

/** urlsplit's scheme characters. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

interface SplitUri {
  readonly scheme: string;
  readonly netloc: string;
  readonly path: string;
}

/**
 * urllib.parse.urlsplit as Python 3.11 does it (query and fragment dropped; only what is needed here). Without
 * fragments (`allowFragments` false, as _parse_model_uri reads), a "#" is part of the path.
 */
export function splitUri(uri: string, allowFragments = true): SplitUri {
  // urlsplit strips leading C0 controls and spaces, and removes tabs and newlines anywhere.
  let start = 0;
  while (start < uri.length && uri.charCodeAt(start) <= 0x20) start++;
  let rest = uri.slice(start).replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && SCHEME.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end === -1 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end === -1 ? '' : rest.slice(2 + end);
  }
  const cut = rest.search(allowFragments ? /[?#]/ : /[?]/);
  return { scheme, netloc, path: cut === -1 ? rest : rest.slice(0, cut) };
}

/** The resources a model version source names (see the module comment). */
export function sourceReferences(source: string): SourceReference[] {
  const uri = splitUri(source);
  if (uri.scheme === 'models') {
    if (uri.netloc !== '') {
      throw new MlgateError(
        'MLGATE_REQUEST_INVALID',
        `Invalid model version source "${source}": a models:/ source must use this server's registry (no host).`,
      );
    }
    return modelsReferences(splitUri(source, false).path);
  }
  if (uri.scheme === 'runs') {
    const runId = uri.path.startsWith('/') ? (uri.path.slice(1).split('/')[0] ?? '') : '';
    return runId === '' ? [] : [{ kind: 'run', value: runId }];
  }
  return [];
}

/** An empty name would be looked up as no registered model at all: refused, never skipped. */
function requireName(name: string): string {
  if (name === '') {
    throw new MlgateError('MLGATE_REQUEST_INVALID', 'The models:/ source names a registered model without a name.');
  }
  return name;
}

/**
 * _parse_model_uri reads its own urlparse without fragments: the path runs to the query ("?"), "#" included.
 * A URI it would refuse names nothing (MLflow answers 400 before anything is read).
 */
function modelsReferences(path: string): SourceReference[] {
  if (!path.startsWith('/') || path.length <= 1) {
    return [];
  }
  const parts = path.slice(1).split('/');
  const first = parts[0] ?? '';
  if (parts.length > 2 || first.trim() === '') {
    return [];
  }
  if (parts.length === 2) {
    return (parts[1] ?? '').trim() === '' ? [] : [{ kind: 'registered_model_name', value: first }];
  }
  if (path.includes('@')) {
    const at = first.lastIndexOf('@');
    if (first.slice(at + 1).trim() === '') {
      return [];
    }
    return [{ kind: 'registered_model_name', value: requireName(first.slice(0, at)) }];
  }
  return [{ kind: 'logged_model', value: first }];
}
