package mlgate.authz_test

import data.mlgate.authz

_config := {"default_permission": "NO_PERMISSIONS", "admin_groups": ["mlflow-admin"]}

_alice := {"authenticated": true, "username": "alice", "is_admin": false, "groups": ["team-a"], "auth_method": "basic"}

_root := {"authenticated": true, "username": "root", "is_admin": true, "groups": [], "auth_method": "basic"}

_anonymous := {"authenticated": false, "groups": []}

_experiment(id, user, groups) := {"type": "experiment", "id": id, "via": "experiment", "exists": true, "grants": {"user": user, "groups": groups}}

_decide(principal, operation, targets) := d if {
	d := authz.decision with input as {
		"principal": principal,
		"operation": operation,
		"targets": targets,
		"request": {"method": "GET", "path": "/"},
		"now_ms": 0,
	}
		with data.config as _config
}

test_allow_public_operation_without_authentication if {
	d := _decide(_anonymous, "Health", [])
	d.allow
	d.reasons == ["public"]
}

test_deny_unauthenticated_on_protected_operation if {
	d := _decide(_anonymous, "GetExperiment", [_experiment("1", "MANAGE", {})])
	not d.allow
	d.reasons == ["unauthenticated"]
}

test_deny_unauthenticated_on_unknown_route if {
	d := _decide(_anonymous, null, [])
	not d.allow
	d.reasons == ["unauthenticated"]
}

test_allow_admin_on_anything if {
	_decide(_root, "DeleteExperiment", [_experiment("1", null, {})]).allow
	_decide(_root, null, []).allow
	_decide(_root, "NotAnOperation", []).reasons == ["admin"]
}

test_allow_admin_by_group_membership if {
	member := object.union(_alice, {"groups": ["mlflow-admin"]})
	d := _decide(member, "DeleteExperiment", [_experiment("1", null, {})])
	d.allow
	d.reasons == ["admin"]
}

test_deny_unknown_route_to_non_admin if {
	d := _decide(_alice, null, [])
	not d.allow
	d.reasons == ["route-unknown"]
	not _decide(_alice, "NotAnOperation", []).allow
}

test_allow_read_with_user_read_grant if {
	d := _decide(_alice, "GetExperiment", [_experiment("1", "READ", {})])
	d.allow
	d.reasons == ["grant:user"]
}

test_deny_write_with_only_read_grant if {
	d := _decide(_alice, "LogMetric", [_experiment("1", "READ", {})])
	not d.allow
	d.reasons == ["no-permission"]
	d.checks == [{"type": "experiment", "id": "1", "required": "EDIT", "permission": "READ", "source": "user", "satisfied": false}]
}

test_allow_write_with_edit_grant if {
	d := _decide(_alice, "LogMetric", [_experiment("1", "EDIT", {})])
	d.allow
	d.checks == [{"type": "experiment", "id": "1", "required": "EDIT", "permission": "EDIT", "source": "user", "satisfied": true}]
	_decide(_alice, "CreateRun", [_experiment("1", "MANAGE", {})]).allow
}

test_deny_delete_with_edit_grant if {
	not _decide(_alice, "DeleteRun", [_experiment("1", "EDIT", {})]).allow
	_decide(_alice, "DeleteRun", [_experiment("1", "MANAGE", {})]).allow
}

test_allow_through_group_grant if {
	d := _decide(_alice, "LogParam", [_experiment("1", null, {"team-a": "EDIT"})])
	d.allow
	d.reasons == ["grant:group"]
}

test_deny_without_any_grant_under_default_no_permissions if {
	d := _decide(_alice, "GetExperiment", [_experiment("1", null, {})])
	not d.allow
	d.reasons == ["no-permission"]
}

test_allow_through_default_permission if {
	d := authz.decision with input as {"principal": _alice, "operation": "GetRun", "targets": [_experiment("1", null, {})]}
		with data.config as {"default_permission": "READ", "admin_groups": []}
	d.allow
	d.reasons == ["grant:default"]
}

test_deny_explicit_user_no_permissions_over_default if {
	d := authz.decision with input as {"principal": _alice, "operation": "GetRun", "targets": [_experiment("1", "NO_PERMISSIONS", {"team-a": "MANAGE"})]}
		with data.config as {"default_permission": "MANAGE", "admin_groups": []}
	not d.allow
	d.reasons == ["explicit-deny", "no-permission"]
}

test_deny_when_any_target_is_not_permitted if {
	targets := [_experiment("1", "READ", {}), _experiment("2", null, {})]
	d := _decide(_alice, "LogBatch", targets)
	not d.allow
	d.reasons == ["no-permission"]
}

test_allow_when_every_target_is_permitted if {
	targets := [_experiment("1", "EDIT", {}), _experiment("2", null, {"team-a": "EDIT"})]
	_decide(_alice, "LogBatch", targets).allow
}

test_allow_search_runs_without_targets if {
	d := _decide(_alice, "SearchRuns", [])
	d.allow
	d.reasons == ["no-targets"]
}

test_deny_resource_operation_without_targets if {
	d := _decide(_alice, "GetRun", [])
	not d.allow
	d.reasons == ["no-targets"]
}

test_deny_missing_resource_as_not_found if {
	missing := {"type": "experiment", "id": "nope", "via": "experiment_name", "exists": false, "grants": {}}
	d := _decide(_alice, "GetExperimentByName", [missing])
	not d.allow
	d.reasons == ["resource-not-found"]
}

test_allow_admin_on_missing_resource if {
	missing := {"type": "experiment", "id": "nope", "via": "experiment_name", "exists": false, "grants": {}}
	_decide(_root, "GetExperimentByName", [missing]).allow
}

test_allow_create_with_creator_obligation if {
	d := _decide(_alice, "CreateExperiment", [])
	d.allow
	d.reasons == ["authenticated"]
	d.obligations == [{"type": "grant-creator", "permission": "MANAGE"}]
}

test_deny_create_unauthenticated_without_obligation if {
	d := _decide(_anonymous, "CreateExperiment", [])
	not d.allow
	d.obligations == []
}

test_allow_list_operation_for_any_authenticated_principal if {
	_decide(_alice, "SearchExperiments", []).allow
	not _decide(_anonymous, "SearchExperiments", []).allow
}

test_deny_unknown_permission_level_in_grant if {
	not _decide(_alice, "GetRun", [_experiment("1", "OWNER", {})]).allow
}

test_deny_operation_with_invalid_access if {
	d := _decide(_alice, "Odd", []) with data.mlgate.operations.table as {"Odd": {"access": "everyone"}}
	not d.allow
	d.reasons == ["operation-invalid"]
}

test_deny_admin_operation_to_non_admin if {
	table := {"CreateWebhook": {"access": "admin"}}
	d := _decide(_alice, "CreateWebhook", []) with data.mlgate.operations.table as table
	not d.allow
	d.reasons == ["admin-required"]
	_decide(_root, "CreateWebhook", []).allow with data.mlgate.operations.table as table
}

test_deny_when_config_is_missing_defaults_to_no_permissions if {
	d := authz.decision with input as {"principal": _alice, "operation": "GetRun", "targets": [_experiment("1", null, {})]}
	not d.allow
}

test_visible_lists_only_readable_targets if {
	targets := [_experiment("1", "READ", {}), _experiment("2", null, {}), _experiment("3", null, {"team-a": "EDIT"}), _experiment("4", "NO_PERMISSIONS", {"team-a": "MANAGE"})]
	ids := authz.visible with input as {"principal": _alice, "operation": "SearchExperiments", "targets": targets}
		with data.config as _config
	ids == {"1", "3"}
}

test_visible_lists_everything_for_admin if {
	targets := [_experiment("1", null, {}), _experiment("2", "NO_PERMISSIONS", {})]
	ids := authz.visible with input as {"principal": _root, "operation": "SearchExperiments", "targets": targets}
		with data.config as _config
	ids == {"1", "2"}
}

test_visible_lists_nothing_for_anonymous if {
	targets := [_experiment("1", "READ", {})]
	ids := authz.visible with input as {"principal": _anonymous, "operation": "SearchExperiments", "targets": targets}
		with data.config as {"default_permission": "READ", "admin_groups": []}
	count(ids) == 0
}

test_deny_always_carries_a_reason if {
	d := _decide(_anonymous, "GetRun", []) with authz.deny as set()
	not d.allow
	d.reasons == ["policy-default-deny"]
}

_input(principal, operation, targets) := {
	"principal": principal,
	"operation": operation,
	"targets": targets,
}

test_deny_target_without_exists if {
	target := {"type": "experiment", "id": "1", "via": "run", "grants": {"user": null, "groups": {}}}
	d := authz.decision with input as _input(_alice, "GetRun", [target]) with data.config as _config
	not d.allow
	"input-invalid" in d.reasons
}

test_deny_malformed_targets if {
	every targets in [null, 5, "x", {"a": 1}] {
		d := authz.decision with input as _input(_alice, "DeleteExperiment", targets) with data.config as _config
		not d.allow
		"input-invalid" in d.reasons
	}
}

test_deny_missing_targets if {
	d := authz.decision with input as {"principal": _alice, "operation": "SearchRuns"} with data.config as _config
	not d.allow
	d.reasons == ["input-invalid"]
}

test_deny_malformed_grants if {
	bad := [
		{"user": 0, "groups": {}},
		{"user": null, "groups": ["READ"]},
		{"user": null, "groups": {"team-a": 3}},
		"READ",
	]
	every grants in bad {
		target := {"type": "experiment", "id": "1", "via": "run", "exists": true, "grants": grants}
		d := authz.decision with input as _input(_alice, "GetRun", [target])
			with data.config as {"default_permission": "READ", "admin_groups": []}
		not d.allow
		"input-invalid" in d.reasons
	}
}

test_deny_admin_with_malformed_input if {
	d := authz.decision with input as _input(_root, "GetRun", null) with data.config as _config
	not d.allow
	d.reasons == ["input-invalid"]
}

test_deny_public_with_malformed_input if {
	d := authz.decision with input as {"principal": null, "operation": "Health", "targets": []} with data.config as _config
	not d.allow
}

test_deny_admin_groups_given_as_an_object if {
	principal := object.union(_alice, {"groups": {"x": "mlflow-admin"}})
	d := _decide(principal, "DeleteExperiment", [_experiment("1", null, {})])
	not d.allow
	"input-invalid" in d.reasons
}

test_deny_misspelt_group_deny_under_a_positive_default if {
	targets := [_experiment("1", null, {"team-a": "no_permissions"})]
	d := authz.decision with input as _input(_alice, "GetRun", targets)
		with data.config as {"default_permission": "READ", "admin_groups": []}
	not d.allow
	d.reasons == ["explicit-deny", "no-permission"]
}

# Within groups the highest grant wins (as mlflow-oidc-auth): a group's deny does not beat another group's grant.
test_allow_highest_group_grant_over_another_groups_deny if {
	targets := [_experiment("1", null, {"team-a": "NO_PERMISSIONS", "team-b": "EDIT"})]
	d := authz.decision with input as _input(_alice, "GetRun", targets)
		with data.config as {"default_permission": "NO_PERMISSIONS", "admin_groups": []}
	d.allow
	d.reasons == ["grant:group"]
}

test_visible_lists_nothing_for_malformed_input if {
	targets := [{"type": "experiment", "id": "1", "via": "experiment", "grants": {"user": "READ"}}]
	ids := authz.visible with input as _input(_root, "SearchExperiments", targets) with data.config as _config
	count(ids) == 0
}

test_deny_resource_operation_whose_permission_is_misspelt if {
	table := {"Odd": {"access": "resource", "permision": "READ"}}
	d := _decide(_alice, "Odd", [_experiment("1", "MANAGE", {})]) with data.mlgate.operations.table as table
	not d.allow
	d.reasons == ["no-permission"]
}

test_deny_operation_without_access if {
	d := _decide(_alice, "Odd", []) with data.mlgate.operations.table as {"Odd": {"permission": "READ"}}
	not d.allow
	d.reasons == ["operation-invalid"]
}

test_deny_without_any_input if {
	d := authz.decision with data.config as _config
	not d.allow
	"input-invalid" in d.reasons
}

_create_at(principal, location, roots) := d if {
	d := authz.decision with input as {
		"principal": principal,
		"operation": "CreateExperiment",
		"targets": [],
		"request": {"method": "POST", "path": "/api/2.0/mlflow/experiments/create"},
		"attributes": {"artifact_location": location},
		"now_ms": 0,
	}
		with data.config as object.union(_config, {"artifact_roots": roots})
}

test_allow_artifact_location_unset_or_under_a_root if {
	_create_at(_alice, null, []).allow
	_create_at(_alice, "", []).allow
	_create_at(_alice, "s3://ml/teams/a/exp1", ["s3://ml/teams/"]).allow
	_create_at(_alice, "s3://ml/teams/a", ["/data/", "s3://ml/teams/"]).allow
}

test_deny_artifact_location_without_roots if {
	d := _create_at(_alice, "mlflow-artifacts:/2", [])
	not d.allow
	d.reasons == ["artifact-location-not-allowed"]
	not _create_at(_alice, "/etc", []).allow
}

test_deny_artifact_location_outside_or_escaping_a_root if {
	roots := ["s3://ml/teams/"]
	not _create_at(_alice, "s3://ml/other", roots).allow
	not _create_at(_alice, "s3://ml/teams", roots).allow
	not _create_at(_alice, "s3://ml/teams/../other", roots).allow
	not _create_at(_alice, "s3://ml/teams/%2e%2e/other", roots).allow
	not _create_at(_alice, "s3://ml/teams/a\\..\\b", roots).allow
	not _create_at(_alice, "s3://ml/teams/a?x=1", roots).allow
	not _create_at(_alice, "s3://ml/teams/a#x", roots).allow
	not _create_at(_alice, "s3://ml/teams/a b", roots).allow
	not _create_at(_alice, 7, roots).allow
}

test_allow_admin_any_artifact_location if {
	d := _create_at(_root, "/etc", [])
	d.allow
	d.reasons == ["admin"]
}

test_deny_attributes_that_are_not_an_object if {
	d := authz.decision with input as {
		"principal": _alice,
		"operation": "CreateExperiment",
		"targets": [],
		"request": {"method": "POST", "path": "/"},
		"attributes": "artifact_location",
		"now_ms": 0,
	}
		with data.config as _config
	d.reasons == ["input-invalid"]
}

_search_runs(principal, targets, mode) := d if {
	d := authz.decision with input as {
		"principal": principal,
		"operation": "SearchRuns",
		"targets": targets,
		"request": {"method": "POST", "path": "/api/2.0/mlflow/runs/search"},
		"now_ms": 0,
	}
		with data.config as object.union(_config, {"unreadable_search_targets": mode})
}

test_search_runs_drops_unreadable_experiments_by_default if {
	d := authz.decision with input as {
		"principal": _alice,
		"operation": "SearchRuns",
		"targets": [_experiment("1", "READ", {}), _experiment("2", null, {})],
		"request": {"method": "POST", "path": "/api/2.0/mlflow/runs/search"},
		"now_ms": 0,
	}
		with data.config as _config
	d.allow
	d.obligations == [{"type": "drop-unreadable-targets"}]
}

test_search_runs_drops_explicitly_denied_experiments_too if {
	d := _search_runs(_alice, [_experiment("1", "NO_PERMISSIONS", {"team-a": "MANAGE"})], "drop")
	d.allow
	d.obligations == [{"type": "drop-unreadable-targets"}]
}

test_search_runs_refuses_unreadable_experiments_when_configured if {
	d := _search_runs(_alice, [_experiment("1", "READ", {}), _experiment("2", null, {})], "refuse")
	not d.allow
	d.reasons == ["no-permission"]
	d.obligations == []
}

test_search_runs_refuse_mode_allows_readable_experiments if {
	d := _search_runs(_alice, [_experiment("1", "READ", {})], "refuse")
	d.allow
	d.obligations == []
}

test_drop_mode_does_not_apply_to_other_operations if {
	d := authz.decision with input as {
		"principal": _alice,
		"operation": "GetExperiment",
		"targets": [_experiment("2", null, {})],
		"request": {"method": "GET", "path": "/"},
		"now_ms": 0,
	}
		with data.config as object.union(_config, {"unreadable_search_targets": "drop"})
	not d.allow
	d.reasons == ["no-permission"]
}

# Per-target permissions and artifact paths (h/artifacts).

_run_target(id, user, permission) := object.union(
	{"type": "experiment", "id": id, "via": "run", "exists": true, "grants": {"user": user, "groups": {}}},
	{"permission": permission},
)

test_target_permission_overrides_the_operation_permission if {
	# CreateLoggedModel: EDIT on the experiment, READ on the source run's experiment.
	d := _decide(_alice, "CreateLoggedModel", [_experiment("1", "EDIT", {}), _run_target("2", "READ", "READ")])
	d.allow
	d.checks == [
		{"type": "experiment", "id": "1", "required": "EDIT", "permission": "EDIT", "source": "user", "satisfied": true},
		{"type": "experiment", "id": "2", "required": "READ", "permission": "READ", "source": "user", "satisfied": true},
	]
}

test_target_permission_still_needs_a_grant if {
	d := _decide(_alice, "CreateLoggedModel", [_experiment("1", "EDIT", {}), _run_target("2", null, "READ")])
	not d.allow
	d.reasons == ["no-permission"]
}

# Traces and evaluation datasets (h/tracking).
_via(target, kind) := object.union(target, {"via": kind})

_search(operation, targets, mode) := d if {
	d := authz.decision with input as {
		"principal": _alice,
		"operation": operation,
		"targets": targets,
		"request": {"method": "GET", "path": "/"},
		"now_ms": 0,
	}
		with data.config as object.union(_config, {"unreadable_search_targets": mode})
}

test_trace_and_dataset_searches_drop_unreadable_experiments_or_refuse_them_as_configured if {
	targets := [_experiment("1", "READ", {}), _experiment("2", null, {})]
	every operation in ["SearchTraces", "SearchTracesV3", "SearchDatasets"] {
		dropped := _search(operation, targets, "drop")
		dropped.allow
		dropped.obligations == [{"type": "drop-unreadable-targets"}]
		refused := _search(operation, targets, "refuse")
		not refused.allow
		refused.reasons == ["no-permission"]
	}
}

test_deny_search_traces_and_create_dataset_without_experiments if {
	_decide(_alice, "SearchTracesV3", []).reasons == ["no-targets"]
	_decide(_alice, "CreateDataset", []).reasons == ["no-targets"]
	_decide(_alice, "SearchEvaluationDatasets", []).reasons == ["no-targets"]
}

test_dataset_needs_every_linked_experiment if {
	linked := [_via(_experiment("1", "READ", {}), "dataset"), _via(_experiment("2", "READ", {}), "dataset")]
	_decide(_alice, "GetDataset", linked).allow
	not _decide(_alice, "UpsertDatasetRecords", linked).allow
	one_unreadable := [_via(_experiment("1", "MANAGE", {}), "dataset"), _via(_experiment("2", null, {}), "dataset")]
	not _decide(_alice, "GetDataset", one_unreadable).allow
}

test_start_trace_v3_needs_edit_on_the_trace_experiment_too if {
	body := _experiment("1", "EDIT", {})
	_decide(_alice, "StartTraceV3", [body]).allow
	not _decide(_alice, "StartTraceV3", [body, _via(_experiment("2", "READ", {}), "trace")]).allow
	_decide(_alice, "StartTraceV3", [body, _via(_experiment("2", "EDIT", {}), "trace")]).allow
}

test_operation_permission_applies_without_a_target_permission if {
	not _decide(_alice, "CreateLoggedModel", [_experiment("1", "READ", {})]).allow
}

test_target_permission_must_be_a_level if {
	d := _decide(_alice, "CreateLoggedModel", [_experiment("1", "EDIT", {}), _run_target("2", "READ", "SUPER")])
	not d.allow
	"input-invalid" in d.reasons
	not _decide(_alice, "CreateLoggedModel", [_run_target("2", "MANAGE", "NO_PERMISSIONS")]).allow
}

test_artifact_path_naming_nothing_is_refused_to_non_admins if {
	d := _decide(_alice, "DownloadArtifact", [])
	not d.allow
	d.reasons == ["no-targets"]
	_decide(_root, "UploadArtifact", []).allow
}

test_artifact_writes_need_edit_on_every_named_experiment if {
	_decide(_alice, "UploadArtifact", [_experiment("1", "EDIT", {}), _run_target("1", "EDIT", null)]).allow
	not _decide(_alice, "UploadArtifact", [_experiment("1", "EDIT", {}), _experiment("2", "READ", {})]).allow
	not _decide(_alice, "DeleteArtifact", [_experiment("1", "READ", {})]).allow
	_decide(_alice, "DownloadArtifact", [_experiment("1", "READ", {})]).allow
}

# Web UI and GraphQL (h/ui).

test_allow_web_ui_to_any_authenticated_caller if {
	every operation in ["WebUi", "WebUiAsset", "GetUiTelemetry", "PostUiTelemetry", "ListGatewayProxyEndpoints", "GraphQL", "GraphQLEcho"] {
		d := _decide(_alice, operation, [])
		d.allow
		d.reasons == ["authenticated"]
	}
}

test_deny_web_ui_without_credentials if {
	every operation in ["WebUi", "WebUiAsset", "GraphQL"] {
		d := _decide(_anonymous, operation, [])
		not d.allow
		d.reasons == ["unauthenticated"]
	}
}

test_deny_graphql_introspection_to_non_admin if {
	d := _decide(_alice, "GraphQLIntrospection", [])
	not d.allow
	d.reasons == ["admin-required"]
}

test_deny_gateway_proxy_invocation_to_non_admin if {
	d := _decide(_alice, "InvokeGatewayProxy", [])
	not d.allow
	d.reasons == ["admin-required"]
}

test_allow_graphql_introspection_to_admin if {
	_decide(_root, "GraphQLIntrospection", []).allow
}

test_deny_graphql_list_artifacts_without_read if {
	d := _decide(_alice, "ListArtifacts", [_experiment("1", null, {})])
	not d.allow
	"no-permission" in d.reasons
}

test_allow_graphql_metric_history_with_read if {
	_decide(_alice, "GetMetricHistoryBulkInterval", [_experiment("1", "READ", {})]).allow
}

# ---- Regex rules (data.rules) and the source order -------------------------------------------------------------

_named(id, name, user, groups) := object.union(_experiment(id, user, groups), {"name": name})

_rules := {"experiment": {
	"user": {"alice": [
		{"id": "u-secret", "pattern": "team-a/secret.*", "priority": 1, "permission": "NO_PERMISSIONS", "valid": true},
		{"id": "u-scratch", "pattern": "scratch/.*", "priority": 5, "permission": "EDIT", "valid": true},
	]},
	"group": {
		"team-a": [
			{"id": "g-team-a", "pattern": "team-a/.*", "priority": 10, "permission": "EDIT", "valid": true},
			{"id": "g-team-a-frozen", "pattern": "team-a/frozen", "priority": 2, "permission": "NO_PERMISSIONS", "valid": true},
		],
		"team-b": [{"id": "g-team-b", "pattern": "team-b/.*", "priority": 1, "permission": "MANAGE", "valid": true}],
	},
}}

_decide_with_rules(principal, operation, targets, config) := d if {
	d := authz.decision with input as _input(principal, operation, targets)
		with data.config as object.union(_config, config)
		with data.rules as _rules
}

# [principal, operation, target, extra config, allow, reasons, check source]
_regex_cases := {
	"group-regex lets a member edit in their team": [_alice, "UpdateExperiment", _named("1", "team-a/exp", null, {}), {}, true, ["grant:group-regex"], "group-regex"],
	"group-regex is for members only": [_alice, "GetExperiment", _named("1", "team-b/exp", null, {}), {}, false, ["no-permission"], "default"],
	"the whole name must match": [_alice, "GetExperiment", _named("1", "xteam-a/exp", null, {}), {}, false, ["no-permission"], "default"],
	"a deny rule of lower number overrides the broader allow": [_alice, "GetExperiment", _named("1", "team-a/frozen", null, {}), {}, false, ["explicit-deny", "no-permission"], "group-regex"],
	"user regex before group-regex": [_alice, "GetExperiment", _named("1", "team-a/secret-1", null, {}), {}, false, ["explicit-deny", "no-permission"], "regex"],
	"user regex allows": [_alice, "LogMetric", _named("1", "scratch/x", null, {}), {}, true, ["grant:regex"], "regex"],
	"user regex does not reach MANAGE": [_alice, "DeleteExperiment", _named("1", "scratch/x", null, {}), {}, false, ["no-permission"], "regex"],
	"a group grant beats the regex deny": [_alice, "GetExperiment", _named("1", "team-a/secret-1", null, {"team-a": "READ"}), {}, true, ["grant:group"], "group"],
	"a user grant beats the regex deny": [_alice, "GetExperiment", _named("1", "team-a/frozen", "READ", {}), {}, true, ["grant:user"], "user"],
	"no name: no regex rule applies": [_alice, "GetExperiment", _experiment("1", null, {}), {"default_permission": "READ"}, true, ["grant:default"], "default"],
	"the default after the regex sources": [_alice, "GetExperiment", _named("1", "other", null, {}), {"default_permission": "READ"}, true, ["grant:default"], "default"],
	"source order: regex first beats a user grant": [_alice, "GetExperiment", _named("1", "team-a/secret", "MANAGE", {}), {"source_order": ["regex", "user"]}, false, ["explicit-deny", "no-permission"], "regex"],
	"source order: group-regex only": [_alice, "GetExperiment", _named("1", "team-a/exp", "NO_PERMISSIONS", {}), {"source_order": ["group-regex"]}, true, ["grant:group-regex"], "group-regex"],
	"source order: without regex sources rules are ignored": [_alice, "GetExperiment", _named("1", "team-a/exp", null, {}), {"source_order": ["user", "group"]}, false, ["no-permission"], "default"],
}

test_regex_rules_in_decisions if {
	every name, case in _regex_cases {
		d := _decide_with_rules(case[0], case[1], [case[2]], case[3])
		_expect(name, [d.allow, d.reasons, d.checks[0].source], [case[4], case[5], case[6]])
	}
}

_expect(_, got, expected) if got == expected

else := false if {
	print("got", got, "expected", expected)
}

test_checks_name_the_deciding_rule if {
	d := _decide_with_rules(_alice, "GetExperiment", [_named("1", "team-a/frozen", null, {})], {})
	d.checks == [{
		"type": "experiment", "id": "1", "required": "READ", "permission": "NO_PERMISSIONS",
		"source": "group-regex", "rule": "g-team-a-frozen", "satisfied": false,
	}]
}

test_regex_rules_do_not_bind_admins if {
	d := _decide_with_rules(_root, "DeleteExperiment", [_named("1", "team-a/frozen", null, {})], {})
	d.allow
	d.reasons == ["admin"]
}

test_regex_rules_of_another_user_do_not_apply if {
	bob := object.union(_alice, {"username": "bob", "groups": []})
	d := _decide_with_rules(bob, "GetExperiment", [_named("1", "scratch/x", null, {})], {})
	not d.allow
}

test_visible_follows_regex_rules if {
	targets := [_named("1", "team-a/exp", null, {}), _named("2", "team-b/exp", null, {}), _named("3", "team-a/frozen", null, {})]
	ids := authz.visible with input as _input(_alice, "SearchExperiments", targets) with data.config as _config
		with data.rules as _rules
	ids == {"1"}
}

test_deny_target_name_that_is_not_a_string if {
	d := _decide_with_rules(_alice, "GetExperiment", [_named("1", 7, "READ", {})], {})
	not d.allow
	d.reasons == ["input-invalid"]
}

test_invalid_rule_denies_rather_than_being_ignored if {
	rules := {"experiment": {"group": {"team-a": [{"id": "bad", "pattern": "(", "priority": 1, "permission": "READ", "valid": false}]}}}
	d := authz.decision with input as _input(_alice, "GetExperiment", [_named("1", "anything", null, {})])
		with data.config as object.union(_config, {"default_permission": "READ"})
		with data.rules as rules
	not d.allow
	d.reasons == ["explicit-deny", "no-permission"]
}

test_checks_name_the_deciding_group if {
	d := _decide(_alice, "GetExperiment", [_experiment("1", null, {"team-a": "READ", "team-b": "EDIT"})])
	d.allow
	d.checks == [{
		"type": "experiment", "id": "1", "required": "READ", "permission": "EDIT",
		"source": "group", "group": "team-b", "satisfied": true,
	}]
}

test_checks_of_a_user_grant_name_neither_group_nor_rule if {
	d := _decide(_alice, "GetExperiment", [_experiment("1", "READ", {"team-a": "EDIT"})])
	d.checks == [{"type": "experiment", "id": "1", "required": "READ", "permission": "READ", "source": "user", "satisfied": true}]
}

# Filtered dataset searches (visible_resources): a dataset is readable only when every experiment linked to it is.
_linked(dataset, experiment, user) := {
	"type": "experiment", "id": experiment, "via": "dataset", "ref": dataset, "exists": true,
	"grants": {"user": user, "groups": {}},
}

_unlinked(dataset) := {
	"type": "experiment", "id": dataset, "via": "dataset", "ref": dataset, "exists": false,
	"grants": {"user": null, "groups": {}},
}

_visible_resources(principal, targets, config) := v if {
	v := authz.visible_resources with input as {
		"principal": principal,
		"operation": "SearchEvaluationDatasets",
		"targets": targets,
		"request": {"method": "POST", "path": "/api/3.0/mlflow/datasets/search"},
		"now_ms": 0,
	}
		with data.config as config
}

_dataset_rows := [
	_linked("d-a", "1", "READ"),
	_linked("d-ab", "1", "READ"),
	_linked("d-ab", "2", null),
	_linked("d-b", "2", null),
	_linked("d-c", "3", "NO_PERMISSIONS"),
	_linked("d-e", "4", "EDIT"),
	_unlinked("d-none"),
]

test_visible_resources_needs_every_linked_experiment_readable if {
	_visible_resources(_alice, _dataset_rows, _config) == {"d-a", "d-e"}
}

test_visible_resources_shows_an_administrator_every_dataset if {
	_visible_resources(_root, _dataset_rows, _config) == {"d-a", "d-ab", "d-b", "d-c", "d-e", "d-none"}
}

test_visible_resources_follows_the_default_permission_but_not_for_unlinked_datasets if {
	config := object.union(_config, {"default_permission": "READ"})

	# d-c is denied explicitly; an unlinked dataset stays hidden whatever the default.
	_visible_resources(_alice, _dataset_rows, config) == {"d-a", "d-ab", "d-b", "d-e"}
}

test_visible_resources_shows_nothing_to_anonymous_or_invalid_input if {
	_visible_resources(_anonymous, _dataset_rows, _config) == set()
	count(authz.visible_resources) == 0 with input as {"principal": _alice, "targets": "x"} with data.config as _config
}

test_visible_resources_ignores_targets_without_a_ref if {
	_visible_resources(_alice, [_experiment("1", "READ", {})], _config) == set()
}
