/**
 * The AI gateway endpoint a prompt optimization job's reflection model names, read from
 * `config.optimizer_config_json` as MLflow's auth reads it (`_optimizer_gateway_endpoint`): the JSON object's
 * `reflection_model`, when it is a string `gateway:/<endpoint>` (slashes after `:/` dropped). Anything else names
 * no endpoint (pure). (h/genai)
 */
import { MlgateError } from '../errors.js';

export function reflectionEndpoint(optimizerConfigJson: string): string | null {
  let config: unknown;
  try {
    config = JSON.parse(optimizerConfigJson);
  } catch {
    // Python's json.loads also reads NaN and Infinity, which JSON.parse refuses: such a value might name an
    // endpoint the gateway cannot see, so it is refused (MLflow refuses text that is not JSON at all, 400).
    throw new MlgateError(
      'MLGATE_REQUEST_INVALID',
      '"config.optimizer_config_json" is not JSON the gateway can read; send a JSON object without NaN or Infinity.',
    );
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    return null;
  }
  const model = (config as Record<string, unknown>)['reflection_model'];
  if (typeof model !== 'string') {
    return null;
  }
  const separator = model.indexOf(':/');
  if (separator < 0 || model.slice(0, separator) !== 'gateway') {
    return null;
  }
  const name = model.slice(separator + 2).replace(/^\/+/, '');
  return name === '' ? null : name;
}
