/**
 * Registered model or prompt (pure). In the pinned MLflow a prompt is a registered model carrying the tag
 * `mlflow.prompt.is_prompt` with the value "true" (any case): RegisteredModel._is_prompt reads the persisted tags,
 * and CreateRegisteredModel's request tags become those tags. The two permission types are decided from it, as
 * MLflow's own auth does (_get_registered_model_or_prompt_permission, validate_can_create_registered_model).
 */
import { MlgateError } from '../../errors.js';
import type { CarrierType } from '../resources/kind.js';
import type { RegistryEntry } from '../client.js';

export const IS_PROMPT_TAG_KEY = 'mlflow.prompt.is_prompt';

/** The permission type of a registry entry. */
export function registryType(isPrompt: boolean): CarrierType {
  return isPrompt ? 'prompt' : 'registered_model';
}

/**
 * Whether the tags of an answer's registered model (or model version) mark a prompt: the last tag with the key
 * decides, as a Python dict built from the list does. Undefined when `tags` is not a list of {key, value} strings.
 */
export function promptMarked(tags: unknown): boolean | undefined {
  if (tags === undefined || tags === null) {
    return false;
  }
  if (!Array.isArray(tags)) {
    return undefined;
  }
  let value: string | undefined;
  for (const tag of tags as unknown[]) {
    if (tag === null || typeof tag !== 'object' || Array.isArray(tag)) {
      return undefined;
    }
    const { key, value: tagValue } = tag as Record<string, unknown>;
    if (key === IS_PROMPT_TAG_KEY) {
      if (typeof tagValue !== 'string') {
        return undefined;
      }
      value = tagValue;
    }
  }
  return value !== undefined && value.toLowerCase() === 'true';
}

/** A registered model of an answer (`registered_model` of GetRegisteredModel, a row of a search) as an entry. */
export function registryEntry(model: Readonly<Record<string, unknown>>): RegistryEntry | undefined {
  const name = model['name'];
  const isPrompt = promptMarked(model['tags']);
  return typeof name === 'string' && name !== '' && isPrompt !== undefined ? { name, isPrompt } : undefined;
}

/**
 * The type CreateRegisteredModel's request creates, from its `tags` as MLflow will store them. Tags that MLflow
 * would refuse, or that name the prompt tag twice with values that disagree, are refused (400) rather than
 * guessed: the policy decides who may create which type from this answer.
 */
export function requestedRegistryType(tags: unknown): CarrierType {
  if (Array.isArray(tags)) {
    const values = new Set<string>();
    for (const tag of tags as unknown[]) {
      if (tag !== null && typeof tag === 'object' && !Array.isArray(tag)) {
        const { key, value } = tag as Record<string, unknown>;
        if (key === IS_PROMPT_TAG_KEY && typeof value === 'string')
          values.add(value.toLowerCase() === 'true' ? 'true' : 'false');
      }
    }
    if (values.size > 1) {
      throw new MlgateError(
        'MLGATE_REQUEST_INVALID',
        `The request sets the tag "${IS_PROMPT_TAG_KEY}" more than once with values that disagree; send it once.`,
      );
    }
  }
  const marked = promptMarked(tags);
  if (marked === undefined) {
    throw new MlgateError('MLGATE_REQUEST_INVALID', '"tags" must be a list of {"key", "value"} strings.');
  }
  return registryType(marked);
}
