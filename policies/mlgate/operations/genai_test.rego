# GenAI operations (h/genai): scorers, issues, label schemas, review queues, prompt optimization, jobs, demo.
package mlgate.operations.genai_test

import data.mlgate.authz
import data.mlgate.operations

_level(names, level) if {
	every name in names {
		operations.table[name] == {"access": "resource", "permission": level}
	}
}

test_genai_reads_need_read if _level(
	{
		"ListScorers", "ListScorerVersions", "GetScorer", "GetIssue", "SearchIssues", "GetLabelSchema",
		"GetLabelSchemaByName", "ListLabelSchemas", "GetReviewQueue", "GetReviewQueueByName", "ListReviewQueues",
		"ListReviewQueueItems", "GetPromptOptimizationJob", "SearchPromptOptimizationJobs", "GetJob", "SearchJobs",
	},
	"READ",
)

test_genai_writes_need_edit if _level(
	{
		"RegisterScorer", "UpsertOnlineScoringConfig", "InvokeScorer", "CreateIssue", "UpdateIssue",
		"InvokeIssueDetection", "CreateReviewQueue", "GetOrCreateUserQueue", "AddItemsToReviewQueue",
		"SetReviewQueueItemStatus", "CreatePromptOptimizationJob", "CancelPromptOptimizationJob", "CancelJob",
		"InvokeGenaiEvaluate",
	},
	"EDIT",
)

test_genai_deletes_and_definitions_need_manage if _level(
	{
		"DeleteScorer", "CreateLabelSchema", "UpdateLabelSchema", "DeleteLabelSchema", "UpdateReviewQueue",
		"DeleteReviewQueue", "RemoveItemsFromReviewQueue", "DeletePromptOptimizationJob",
	},
	"MANAGE",
)

test_genai_server_work_is_for_administrators if {
	every name in {
		"SubmitJob", "GenerateDemo", "DeleteDemo", "SearchUnifiedTraces", "GetOnlineTraceDetails",
		"SearchDatasetsUnprefixed",
	} {
		operations.table[name] == {"access": "admin"}
	}
}

test_online_configs_of_unconfigured_scorers_need_nothing if {
	operations.table.GetOnlineScoringConfigs == {"access": "resource", "permission": "READ", "allow_no_targets": true}
}

_user := {"authenticated": true, "username": "alice", "is_admin": false, "groups": []}

_target(type, id, grant) := {"type": type, "id": id, "via": type, "exists": true, "grants": {"user": grant, "groups": {}}}

test_allow_prompt_optimization_with_edit_and_a_readable_prompt if {
	authz.decision.allow with input as {
		"principal": _user,
		"operation": "CreatePromptOptimizationJob",
		"targets": [
			_target("experiment", "8", "EDIT"),
			object.union(_target("prompt", "qa", "READ"), {"permission": "READ"}),
		],
	}
}

test_deny_prompt_optimization_of_an_unreadable_prompt if {
	decision := authz.decision with input as {
		"principal": _user,
		"operation": "CreatePromptOptimizationJob",
		"targets": [
			_target("experiment", "8", "MANAGE"),
			object.union(_target("prompt", "qa", null), {"permission": "READ"}),
		],
	}
	not decision.allow
	"no-permission" in decision.reasons
}

test_deny_search_issues_without_an_experiment if {
	decision := authz.decision with input as {"principal": _user, "operation": "SearchIssues", "targets": []}
	not decision.allow
	"no-targets" in decision.reasons
}

test_deny_submit_job_to_non_administrators if {
	decision := authz.decision with input as {"principal": _user, "operation": "SubmitJob", "targets": []}
	not decision.allow
	"admin-required" in decision.reasons
}

test_deny_a_job_without_an_experiment if {
	decision := authz.decision with input as {
		"principal": _user,
		"operation": "GetJob",
		"targets": [{"type": "experiment", "id": "j-1", "via": "job", "exists": false, "grants": {}}],
	}
	not decision.allow
	"resource-not-found" in decision.reasons
}

test_allow_administrators_everything_genai if {
	every name in {"SubmitJob", "GenerateDemo", "DeleteScorer", "CreateLabelSchema"} {
		authz.decision.allow with input as {
			"principal": object.union(_user, {"is_admin": true}),
			"operation": name,
			"targets": [],
		}
	}
}
