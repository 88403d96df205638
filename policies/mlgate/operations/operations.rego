# METADATA
# title: MLflow operations
# description: |
#   What each MLflow operation requires. The gateway's route catalogue maps a
#   request to one of these operation names; an operation missing here is
#   treated as an unknown route (administrators only).
#
#   access:
#     public         no authentication needed
#     authenticated  any authenticated principal
#     create         any authenticated principal (or, when data.config.creators
#                    names groups for the resource type `creates`, members of
#                    those groups); the creator gets `creator_permission` on the
#                    new resource
#     list           any authenticated principal; the response is filtered to
#                    the rows the principal may read (see authz.visible)
#     resource       `permission` on every target of the request
#                    (with drops_unreadable, the unreadable targets may
#                    instead be left out: see authz)
#     admin          administrators only
#     assistant      administrators, or any authenticated principal when
#                    data.config.assistant_access is "authenticated"
package mlgate.operations

_read := {"access": "resource", "permission": "READ"}

_edit := {"access": "resource", "permission": "EDIT"}

_manage := {"access": "resource", "permission": "MANAGE"}

# AI gateway, webhooks, MCP servers, assistant, workspaces (h/gateway).
_use := {"access": "resource", "permission": "USE"}

_admin_only := {"access": "admin"}

_authenticated := {"access": "authenticated"}

_assistant := {"access": "assistant"}

# METADATA
# description: Operation name -> requirement.
table := {
	# Gateway-independent server routes.
	"Health": {"access": "public"},
	"ServerInfo": {"access": "authenticated"},
	"Version": {"access": "authenticated"},
	# Experiments.
	"CreateExperiment": {"access": "create", "creates": "experiment", "creator_permission": "MANAGE"},
	"GetExperiment": _read,
	"GetExperimentByName": _read,
	"SearchExperiments": {"access": "list"},
	"UpdateExperiment": _edit,
	"SetExperimentTag": _edit,
	"DeleteExperimentTag": _edit,
	# The web UI's dataset search: every listed experiment must be readable; an empty list is refused.
	"SearchDatasets": _read,
	"DeleteExperiment": _manage,
	"RestoreExperiment": _manage,
	# Runs (permission lives on the run's experiment).
	"CreateRun": _edit,
	"CreatePromptLabRun": _edit,
	"GetRun": _read,
	"UpdateRun": _edit,
	"DeleteRun": _manage,
	"RestoreRun": _manage,
	"LogMetric": _edit,
	"LogParam": _edit,
	"LogBatch": _edit,
	"LogModel": _edit,
	"LogInputs": _edit,
	"LogOutputs": _edit,
	"SetTag": _edit,
	"DeleteTag": _edit,
	"GetMetricHistory": _read,
	# Every listed experiment must be readable, or (data.config.unreadable_search_targets "drop", the default)
	# the unreadable ones are left out of the search; an empty list matches nothing.
	"SearchRuns": object.union(_read, {"allow_no_targets": true, "drops_unreadable": true}),
	# Bulk metric histories, traces, evaluation datasets (h/tracking).
	# Every run, trace, listed experiment and linked experiment must allow it; an empty list is refused.
	"GetMetricHistoryBulkInterval": _read,
	"GetMetricHistoryBulk": _read,
	# Traces carry the permission of the experiment they are in now.
	"StartTrace": _edit,
	"StartTraceV3": _edit,
	"ExportTraces": _edit,
	"EndTrace": _edit,
	"GetTraceInfo": _read,
	"GetTraceInfoV3": _read,
	"GetTrace": _read,
	"GetTraceArtifact": _read,
	"BatchGetTraces": _read,
	"BatchGetTraceInfos": _read,
	"SearchTraces": _read,
	# The client's search_traces: unreadable experiments are left out, like SearchRuns (or refused, as configured).
	"SearchTracesV3": object.union(_read, {"drops_unreadable": true}),
	"CalculateTraceFilterCorrelation": _read,
	"QueryTraceMetrics": _read,
	"SetTraceTag": _edit,
	"SetTraceTagV3": _edit,
	"DeleteTraceTag": _edit,
	"DeleteTraceTagV3": _edit,
	# The run and every trace (MLflow itself asks only READ on the traces).
	"LinkTracesToRun": _edit,
	# The prompts named are not checked (MLflow does not either).
	"LinkPromptsToTrace": _edit,
	"DeleteTraces": _manage,
	"DeleteTracesV3": _manage,
	"CreateAssessment": _edit,
	"GetAssessment": _read,
	"UpdateAssessment": _edit,
	"DeleteAssessment": _edit,
	# Evaluation datasets carry the permissions of every experiment they are linked to.
	"CreateDataset": _edit,
	"SearchEvaluationDatasets": _read,
	"GetDataset": _read,
	"GetDatasetRecords": _read,
	"GetDatasetExperimentIds": _read,
	"SetDatasetTags": _edit,
	"DeleteDatasetTag": _edit,
	"UpsertDatasetRecords": _edit,
	"DeleteDatasetRecords": _edit,
	"AddDatasetToExperiments": _edit,
	"RemoveDatasetFromExperiments": _edit,
	"DeleteDataset": _manage,
	# Logged models (h/artifacts): the permission lives on the model's experiment.
	# CreateLoggedModel also needs READ on its source run (set per target by the route).
	"CreateLoggedModel": _edit,
	"GetLoggedModel": _read,
	"FinalizeLoggedModel": _edit,
	"DeleteLoggedModel": _manage,
	# Every listed experiment must be readable (refused otherwise; the answer is not filtered).
	"SearchLoggedModels": object.union(_read, {"drops_unreadable": true}),
	"SetLoggedModelTags": _edit,
	# MLflow's own auth asks the delete action (MANAGE) here too.
	"DeleteLoggedModelTag": _manage,
	"LogLoggedModelParams": _edit,
	"ListLoggedModelArtifacts": _read,
	"GetLoggedModelArtifact": _read,
	# Artifacts (h/artifacts): of a run or logged model, or under the proxied artifact root, where a path names
	# its experiment and its run or model, all of which must allow it. A path naming nothing is refused
	# (no-targets): only administrators reach the root or folders outside the layout.
	"ListArtifacts": _read,
	"GetArtifact": _read,
	"UploadRunArtifact": _edit,
	"CreatePresignedUploadUrl": _edit,
	"CreatePresignedDownloadUrl": _read,
	"ListArtifactsMlflowArtifacts": _read,
	"DownloadArtifact": _read,
	"GetPresignedDownloadUrl": _read,
	"UploadArtifact": _edit,
	# Confined to one run's or model's artifacts folder, which EDIT may overwrite anyway (MLflow asks MANAGE).
	"DeleteArtifact": _edit,
	"CreateMultipartUpload": _edit,
	"CompleteMultipartUpload": _edit,
	"AbortMultipartUpload": _edit,
	# Web UI and GraphQL (h/ui). The page and its static bundle reveal nothing, but need credentials (a browser
	# answered 401 asks for them). A GraphQL request needs only authentication itself: each field of its document is
	"WebUi": {"access": "authenticated"},
	"WebUiAsset": {"access": "authenticated"},
	"GetUiTelemetry": {"access": "authenticated"},
	"PostUiTelemetry": {"access": "authenticated"},
	"ListGatewayProxyEndpoints": {"access": "authenticated"},
	"InvokeGatewayProxy": {"access": "admin"},
	"GraphQL": {"access": "authenticated"},
	"GraphQLEcho": {"access": "authenticated"},
	"GraphQLIntrospection": {"access": "admin"},
	# GenAI (h/genai), decided by the experiment each object is in (see docs/routes-genai.md).
	# Scorers: MLflow's auth reads a scorer under its experiment; register needs EDIT, delete MANAGE.
	"RegisterScorer": _edit,
	# One or several named experiments, every one readable; naming none (every experiment's scorers) is refused.
	"ListScorers": _read,
	"ListScorerVersions": _read,
	"GetScorer": _read,
	"DeleteScorer": _manage,
	# The experiment of each named scorer's online configuration; scorers without one add nothing to check.
	"GetOnlineScoringConfigs": object.union(_read, {"allow_no_targets": true}),
	"UpsertOnlineScoringConfig": _edit,
	"InvokeScorer": _edit,
	# Issues.
	"CreateIssue": _edit,
	"GetIssue": _read,
	"UpdateIssue": _edit,
	"SearchIssues": _read,
	"InvokeIssueDetection": _edit,
	# Label schemas: defining the labels reviewers use is MANAGE, as in MLflow.
	"CreateLabelSchema": _manage,
	"GetLabelSchema": _read,
	"GetLabelSchemaByName": _read,
	"ListLabelSchemas": _read,
	"UpdateLabelSchema": _manage,
	"DeleteLabelSchema": _manage,
	# Review queues: routing work is EDIT, reshaping or deleting a queue MANAGE (MLflow's owner rule needs an owner,
	# which it records only when its own auth runs).
	"CreateReviewQueue": _edit,
	"GetOrCreateUserQueue": _edit,
	"GetReviewQueue": _read,
	"GetReviewQueueByName": _read,
	"ListReviewQueues": _read,
	"UpdateReviewQueue": _manage,
	"DeleteReviewQueue": _manage,
	"AddItemsToReviewQueue": _edit,
	"RemoveItemsFromReviewQueue": _manage,
	"ListReviewQueueItems": _read,
	"SetReviewQueueItemStatus": _edit,
	# Prompt optimization and jobs: a job carries the permission of the experiment its parameters name.
	"CreatePromptOptimizationJob": _edit,
	"GetPromptOptimizationJob": _read,
	"SearchPromptOptimizationJobs": _read,
	"CancelPromptOptimizationJob": _edit,
	"DeletePromptOptimizationJob": _manage,
	"GetJob": _read,
	"CancelJob": _edit,
	# Any allowed job function with free-form parameters, run as the server.
	"SubmitJob": {"access": "admin"},
	"SearchJobs": _read,
	"InvokeGenaiEvaluate": _edit,
	# Demo data is written and hard-deleted as the server, outside any grant.
	"GenerateDemo": {"access": "admin"},
	"DeleteDemo": {"access": "admin"},
	# Declared by MLflow, not implemented by its open-source server: nothing to serve.
	"SearchUnifiedTraces": {"access": "admin"},
	"GetOnlineTraceDetails": {"access": "admin"},
	"SearchDatasetsUnprefixed": {"access": "admin"},
	# The model registry and prompts (h/registry): a request's registered model or prompt (by name) decides, in the
	# permission type it is; model versions, aliases and version downloads are decided by theirs. Levels as MLflow's
	# own auth (docs/routes-registry.md).
	# The type created is the request's: attribute created_type, "registered_model" or "prompt" (from its tags).
	"CreateRegisteredModel": {
		"access": "create",
		"creates": "registered_model",
		"creates_from_attribute": "created_type",
		"creates_one_of": ["registered_model", "prompt"],
		"creator_permission": "MANAGE",
	},
	"GetRegisteredModel": _read,
	"RenameRegisteredModel": _edit,
	"UpdateRegisteredModel": _edit,
	"DeleteRegisteredModel": _manage,
	"SearchRegisteredModels": {"access": "list"},
	"GetLatestVersions": _read,
	# The prompt tag moves an entry to the other permission type: administrators only (see authz reserved-tag).
	"SetRegisteredModelTag": object.union(_edit, {"reserved_attribute": {"key": ["mlflow.prompt.is_prompt"]}}),
	"DeleteRegisteredModelTag": object.union(_edit, {"reserved_attribute": {"key": ["mlflow.prompt.is_prompt"]}}),
	"SetRegisteredModelAlias": _edit,
	# MLflow's own auth asks the delete action (MANAGE).
	"DeleteRegisteredModelAlias": _manage,
	"GetModelVersionByAlias": _read,
	# EDIT on the registered model or prompt; READ on the run, logged model and source it is made from (per target).
	"CreateModelVersion": _edit,
	"GetModelVersion": _read,
	"UpdateModelVersion": _edit,
	"TransitionModelVersionStage": _edit,
	"DeleteModelVersion": _manage,
	"GetModelVersionDownloadUri": _read,
	"SearchModelVersions": {"access": "list"},
	"SetModelVersionTag": _edit,
	# MLflow's own auth asks the delete action (MANAGE).
	"DeleteModelVersionTag": _manage,
	"GetModelVersionArtifact": _read,
	# AI gateway (h/gateway, docs/routes-gateway.md). Endpoints carry grants of their own (gateway_endpoint, by id).
	# Secrets hold provider API keys, model definitions bind them: administrators make and change both. Model
	# definitions are a permission type (gateway_model_definition): USE on one lets an endpoint serve it.
	"CreateGatewaySecret": _admin_only,
	"GetGatewaySecretInfo": _admin_only,
	"UpdateGatewaySecret": _admin_only,
	"DeleteGatewaySecret": _admin_only,
	"ListGatewaySecretInfos": _admin_only,
	"GetGatewaySecretsConfig": _admin_only,
	"CreateGatewayModelDefinition": _admin_only,
	"GetGatewayModelDefinition": _read,
	"UpdateGatewayModelDefinition": _admin_only,
	"DeleteGatewayModelDefinition": _admin_only,
	"ListGatewayModelDefinitions": _admin_only,
	# An endpoint serves model definitions: USE on each (set per target by the route), EDIT on the usage experiment;
	# its creator gets MANAGE.
	"CreateGatewayEndpoint": {"access": "create", "creates": "gateway_endpoint", "creator_permission": "MANAGE"},
	"UpdateGatewayEndpoint": _edit,
	"AttachModelToGatewayEndpoint": _edit,
	# Every endpoint, filtered to those the caller may read (authz.visible).
	"ListGatewayEndpoints": {"access": "list"},
	"GetGatewayEndpoint": _read,
	"DeleteGatewayEndpoint": _manage,
	"DetachModelFromGatewayEndpoint": _edit,
	"SetGatewayEndpointTag": _edit,
	"DeleteGatewayEndpointTag": _edit,
	"CreateGatewayEndpointBinding": _edit,
	"DeleteGatewayEndpointBinding": _edit,
	# Without an endpoint_id every binding is listed: no target, administrators only (as in MLflow).
	"ListGatewayEndpointBindings": _read,
	# Budgets: MLflow lets any authenticated caller read them and only administrators change them.
	"CreateGatewayBudgetPolicy": _admin_only,
	"UpdateGatewayBudgetPolicy": _admin_only,
	"DeleteGatewayBudgetPolicy": _admin_only,
	"GetGatewayBudgetPolicy": _authenticated,
	"ListGatewayBudgetPolicies": _authenticated,
	"ListGatewayBudgetWindows": _authenticated,
	# Guardrails are administered; attaching one serves its scorer through the endpoint (MLflow also vetoes by
	# the scorer's grants, which mlgate does not see here): administrators.
	"CreateGatewayGuardrail": _admin_only,
	"GetGatewayGuardrail": _admin_only,
	"DeleteGatewayGuardrail": _admin_only,
	"ListGatewayGuardrails": _admin_only,
	"AddGuardrailToEndpoint": _admin_only,
	"UpdateEndpointGuardrailConfig": _admin_only,
	"RemoveGuardrailFromEndpoint": _edit,
	"ListEndpointGuardrailConfigs": _read,
	# Static provider information for the UI's forms.
	"ListGatewaySupportedProviders": _authenticated,
	"ListGatewaySupportedModels": _authenticated,
	"GetGatewayProviderConfig": _authenticated,
	# Invoking an endpoint spends its provider credentials: USE on the endpoint the request names.
	"InvokeGatewayEndpoint": _use,
	"InvokeGatewayPassthrough": _use,
	"InvokeGatewayRawProxy": _use,
	# MLflow lists every endpoint's name here to any authenticated caller.
	"ListGatewayModels": _authenticated,
	# Webhooks: administrators only, as MLflow's auth (sender_is_admin).
	"CreateWebhook": _admin_only,
	"ListWebhooks": _admin_only,
	"GetWebhook": _admin_only,
	"UpdateWebhook": _admin_only,
	"DeleteWebhook": _admin_only,
	"TestWebhook": _admin_only,
	# Workspaces: only `default` is served (other X-MLflow-Workspace headers are refused before this); reading is
	# open as in MLflow's auth with workspaces disabled, managing is for administrators.
	"ListWorkspaces": _authenticated,
	"GetWorkspace": _authenticated,
	"CreateWorkspace": _admin_only,
	"UpdateWorkspace": _admin_only,
	"DeleteWorkspace": _admin_only,
	# The assistant: administrators, or every authenticated caller with data.config.assistant_access
	# "authenticated" (permissions.assistant_access).
	"AssistantGetConfig": _assistant,
	"AssistantUpdateConfig": _assistant,
	"AssistantSendMessage": _assistant,
	"AssistantListProviders": _assistant,
	"AssistantProviderHealth": _assistant,
	"AssistantListProviderModels": _assistant,
	"AssistantUpdateSession": _assistant,
	"AssistantResolvePermission": _assistant,
	"AssistantStreamSession": _assistant,
	"AssistantToolResult": _assistant,
	"AssistantInstallSkills": _assistant,
	# MCP servers: grants per server (mcp_server, by name), as MLflow's auth: reads READ, writes EDIT, deletes MANAGE,
	# whatever part of the server is the subject; the creator gets MANAGE. The searches across servers are not filtered
	# yet: administrators.
	"CreateMcpServer": {"access": "create", "creates": "mcp_server", "creator_permission": "MANAGE"},
	"SearchMcpServers": _admin_only,
	"SearchMcpAccessEndpoints": _admin_only,
	"GetMcpServer": _read,
	"UpdateMcpServer": _edit,
	"DeleteMcpServer": _manage,
	"SetMcpServerAlias": _edit,
	"GetMcpServerAlias": _read,
	"DeleteMcpServerAlias": _manage,
	"ListMcpServerAccessEndpoints": _read,
	"CreateMcpAccessEndpoint": _edit,
	"GetMcpAccessEndpoint": _read,
	"UpdateMcpAccessEndpoint": _edit,
	"DeleteMcpAccessEndpoint": _manage,
	"SetMcpServerTag": _edit,
	"DeleteMcpServerTag": _manage,
	"ListMcpServerVersions": _read,
	"CreateMcpServerVersion": _edit,
	"GetMcpServerVersion": _read,
	"UpdateMcpServerVersion": _edit,
	"DeleteMcpServerVersion": _manage,
	"SetMcpServerVersionTag": _edit,
	"DeleteMcpServerVersionTag": _manage,
}
