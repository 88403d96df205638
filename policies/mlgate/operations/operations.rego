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
#     create         any authenticated principal; the creator gets
#                    `creator_permission` on the new resource
#     list           any authenticated principal; the response is filtered to
#                    the rows the principal may read (see authz.visible)
#     resource       `permission` on every target of the request
#     admin          administrators only
package mlgate.operations

_read := {"access": "resource", "permission": "READ"}

_edit := {"access": "resource", "permission": "EDIT"}

_manage := {"access": "resource", "permission": "MANAGE"}

# METADATA
# description: Operation name -> requirement.
table := {
	# Gateway-independent server routes.
	"Health": {"access": "public"},
	"ServerInfo": {"access": "authenticated"},
	"Version": {"access": "authenticated"},
	# Experiments.
	"CreateExperiment": {"access": "create", "creator_permission": "MANAGE"},
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
	# Every listed experiment must be readable; an empty list matches nothing.
	"SearchRuns": object.union(_read, {"allow_no_targets": true}),
	# Web UI and GraphQL (h/ui). The page and its static bundle reveal nothing, but need credentials (a browser
	# answered 401 asks for them). A GraphQL request needs only authentication itself: each field of its document is
	# decided as the operation it runs (GetRun, SearchRuns, ...); introspection is for administrators.
	"WebUi": {"access": "authenticated"},
	"WebUiAsset": {"access": "authenticated"},
	"GetUiTelemetry": {"access": "authenticated"},
	"PostUiTelemetry": {"access": "authenticated"},
	"ListGatewayProxyEndpoints": {"access": "authenticated"},
	"InvokeGatewayProxy": {"access": "admin"},
	"GraphQL": {"access": "authenticated"},
	"GraphQLEcho": {"access": "authenticated"},
	"GraphQLIntrospection": {"access": "admin"},
	"ListArtifacts": _read,
	"GetMetricHistoryBulkInterval": _read,
}
