/** Every kind of resource a route can name. Adding one: a module beside this file, and a line here. */
import { dataset } from './dataset.js';
import { artifactPath, artifactWritePath, relativeArtifactPath } from './artifact-path.js';
import { experiment } from './experiment.js';
import { experimentName } from './experiment-name.js';
import { gatewayEndpoint, gatewayEndpointName, gatewayModelDefinition } from './gateway-endpoint.js';
import type { ResourceKind } from './kind.js';
import { loggedModel } from './logged-model.js';
import { modelVersionSource } from './model-version-source.js';
import { registeredModel } from './registered-model.js';
import { mcpServer } from './mcp-server.js';
import { run } from './run.js';
import { trace } from './trace.js';
import { uploadFileName } from './upload-file-name.js';
// GenAI objects (h/genai).
import { gatewayReference, reflectionModel } from './gateway-reference.js';
import { issue, job, labelSchema, reviewQueue } from './genai-objects.js';
import { scorerConfig } from './scorer-config.js';
import { sourcePrompt } from './source-prompt.js';

export const RESOURCE_KINDS = {
  experiment,
  experiment_name: experimentName,
  run,
  logged_model: loggedModel,
  // Traces and evaluation datasets (h/tracking).
  trace,
  dataset,
  // Artifacts (h/artifacts): paths that name an experiment and a run or logged model, and paths only checked.
  artifact_path: artifactPath,
  artifact_write_path: artifactWritePath,
  relative_artifact_path: relativeArtifactPath,
  upload_file_name: uploadFileName,
  // GenAI objects (h/genai): issues, label schemas, review queues and jobs carry their experiment's permission; a
  // prompt optimization's source prompt carries the prompt's; AI gateway references are for administrators only.
  issue,
  label_schema: labelSchema,
  review_queue: reviewQueue,
  job,
  scorer_config: scorerConfig,
  source_prompt: sourcePrompt,
  gateway_reference: gatewayReference,
  reflection_model: reflectionModel,
  // The model registry and prompts (h/registry): a name resolves to a registered model or a prompt.
  registered_model_name: registeredModel,
  model_version_source: modelVersionSource,
  // The AI gateway (h/gateway): endpoints by id, and by name (resolved to their id).
  gateway_endpoint: gatewayEndpoint,
  gateway_endpoint_name: gatewayEndpointName,
  gateway_model_definition: gatewayModelDefinition,
  mcp_server: mcpServer,
} as const satisfies Record<string, ResourceKind>;

export type ResourceKindName = keyof typeof RESOURCE_KINDS;

export function resourceKind(name: ResourceKindName): ResourceKind {
  return RESOURCE_KINDS[name];
}
