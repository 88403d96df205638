package mlgate.operations_test

import data.mlgate.operations
import data.mlgate.permissions

_accesses := {"public", "authenticated", "create", "list", "resource", "admin", "assistant"}

test_every_operation_has_a_known_access if {
	every name, op in operations.table {
		name != ""
		op.access in _accesses
	}
}

test_every_resource_operation_names_a_grantable_level if {
	every _, op in operations.table {
		_resource_level_ok(op)
	}
}

test_every_create_operation_names_a_creator_level if {
	every _, op in operations.table {
		_creator_level_ok(op)
	}
}

_resource_level_ok(op) if op.access != "resource"

_resource_level_ok(op) if permissions.levels[op.permission] > 0

_creator_level_ok(op) if op.access != "create"

_creator_level_ok(op) if permissions.levels[op.creator_permission] > 0

test_writes_need_edit_and_deletes_need_manage if {
	operations.table.LogMetric.permission == "EDIT"
	operations.table.CreateRun.permission == "EDIT"
	operations.table.DeleteRun.permission == "MANAGE"
	operations.table.DeleteExperiment.permission == "MANAGE"
	operations.table.GetRun.permission == "READ"
}

# Bulk metric histories, traces, evaluation datasets (h/tracking).
test_trace_and_dataset_reads_need_read if {
	every name in {
		"GetMetricHistoryBulk", "GetMetricHistoryBulkInterval", "GetTraceInfo", "GetTraceInfoV3", "GetTrace",
		"GetTraceArtifact", "BatchGetTraces", "BatchGetTraceInfos",
		"CalculateTraceFilterCorrelation", "QueryTraceMetrics", "GetAssessment",
		"GetDataset", "GetDatasetRecords", "GetDatasetExperimentIds",
	} {
		operations.table[name] == {"access": "resource", "permission": "READ"}
	}
}

test_trace_and_dataset_writes_need_edit if {
	every name in {
		"StartTrace", "StartTraceV3", "ExportTraces", "EndTrace", "SetTraceTag", "SetTraceTagV3", "DeleteTraceTag",
		"DeleteTraceTagV3", "LinkTracesToRun", "LinkPromptsToTrace", "CreateAssessment", "UpdateAssessment",
		"DeleteAssessment", "CreateDataset", "SetDatasetTags", "DeleteDatasetTag", "UpsertDatasetRecords",
		"DeleteDatasetRecords", "AddDatasetToExperiments", "RemoveDatasetFromExperiments",
	} {
		operations.table[name] == {"access": "resource", "permission": "EDIT"}
	}
}

test_trace_and_dataset_deletes_need_manage if {
	every name in {"DeleteTraces", "DeleteTracesV3", "DeleteDataset"} {
		operations.table[name] == {"access": "resource", "permission": "MANAGE"}
	}
}

test_logged_models_and_artifacts_permissions if {
	operations.table.CreateLoggedModel.permission == "EDIT"
	operations.table.GetLoggedModel.permission == "READ"
	operations.table.DeleteLoggedModel.permission == "MANAGE"
	operations.table.SearchLoggedModels.permission == "READ"
	operations.table.SearchLoggedModels.drops_unreadable == true
	not "allow_no_targets" in object.keys(operations.table.SearchLoggedModels)
	operations.table.DownloadArtifact.permission == "READ"
	operations.table.ListArtifactsMlflowArtifacts.permission == "READ"
	operations.table.UploadArtifact.permission == "EDIT"
	operations.table.DeleteArtifact.permission == "EDIT"
	operations.table.CreateMultipartUpload.permission == "EDIT"
	not "allow_no_targets" in object.keys(operations.table.UploadArtifact)
}

test_trace_and_dataset_searches_drop_unreadable_experiments if {
	operations.table.SearchTraces == {"access": "resource", "permission": "READ", "drops_unreadable": true}
	operations.table.SearchDatasets == {"access": "resource", "permission": "READ", "drops_unreadable": true}

	# No experiment named: a search of them all, filtered row by row (authz.visible_resources).
	operations.table.SearchEvaluationDatasets == {
		"access": "resource", "permission": "READ",
		"drops_unreadable": true, "allow_no_targets": true,
	}
}

test_search_traces_v3_drops_unreadable_experiments if {
	operations.table.SearchTracesV3 == {"access": "resource", "permission": "READ", "drops_unreadable": true}
}

test_every_create_operation_names_the_resource_type_it_creates if {
	every _, op in operations.table {
		_creates_ok(op)
	}
}

_creates_ok(op) if op.access != "create"

_creates_ok(op) if is_string(op.creates)
