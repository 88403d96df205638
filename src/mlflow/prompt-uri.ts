/**
 * The prompt names a prompt optimization job's `source_prompt_uri` may load, read as MLflow's auth reads them
 * (`_source_prompt_names` in mlflow/server/auth): a `prompts:/` URI is parsed like `_parse_model_uri(uri,
 * "prompts")` (the name is everything before the LAST `@`, or the first of two path parts whose second is a
 * version); any other value is a bare name, which the worker loads as `prompts:/<value>@latest`, so the whole
 * value is a name, and when it holds an `@` the text before the last one is another name a caller may have meant.
 * Both are checked (pure).
 *
 * Python's urlparse splits a query (`?`), parameters (`;`), a fragment (`#`) and a network location (`//`) off a
 * URI, strips white space and drops tabs and line breaks; a value that could be read so is refused (400), since
 * MLflow's prompt names are letters, digits, `-`, `_` and `.` and no prompt can be named that way. A value MLflow's
 * auth cannot read a name from is refused too (MLflow refuses it to everyone but administrators).
 */
import { MlgateError } from '../errors.js';

const SCHEME = 'prompts:/';
// eslint-disable-next-line no-control-regex
const UNREADABLE = /[?#;\s\u0000-\u001f\u007f]/u;

export function sourcePromptNames(value: string): readonly string[] {
  if (UNREADABLE.test(value)) {
    throw invalid(value, 'it holds a character (?, #, ;, white space or a control character) no prompt URI has');
  }
  if (!value.startsWith(SCHEME)) {
    const at = value.lastIndexOf('@');
    if (at < 0) {
      return [value];
    }
    if (at === 0) {
      throw invalid(value, 'no prompt name precedes the alias');
    }
    return [value, value.slice(0, at)];
  }
  const rest = value.slice(SCHEME.length);
  if (rest.startsWith('/')) {
    throw invalid(value, 'write prompts:/<name>@<alias> or prompts:/<name>/<version>, without a host');
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 2 || first === '') {
    throw invalid(value, 'write prompts:/<name>@<alias> or prompts:/<name>/<version>');
  }
  if (parts.length === 2) {
    if (!/^[0-9]+$/.test(parts[1] ?? '')) {
      throw invalid(value, 'a prompt URI names a version by its number');
    }
    return [first];
  }
  const at = first.lastIndexOf('@');
  if (at < 0) {
    throw invalid(
      value,
      'a prompt URI names a version (prompts:/<name>/<version>) or an alias (prompts:/<name>@<alias>)',
    );
  }
  const name = first.slice(0, at);
  if (name === '' || at === first.length - 1) {
    throw invalid(value, 'write prompts:/<name>@<alias>');
  }
  return [name];
}

function invalid(value: string, why: string): MlgateError {
  return new MlgateError('MLGATE_REQUEST_INVALID', `The source prompt URI "${value}" cannot be read: ${why}.`);
}
