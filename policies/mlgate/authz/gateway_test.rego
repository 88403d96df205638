# AI gateway, webhooks, MCP servers, assistant and workspaces (h/gateway): the decision table of
# docs/routes-gateway.md, operation by operation, against the shipped operations table.
package mlgate.authz_gateway_test

import data.mlgate.authz
import data.mlgate.operations

_config := {"default_permission": "NO_PERMISSIONS", "admin_groups": ["mlflow-admin"]}

_bob := {"authenticated": true, "username": "bob", "is_admin": false, "groups": ["team-b"], "auth_method": "basic"}

_root := {"authenticated": true, "username": "root", "is_admin": true, "groups": [], "auth_method": "basic"}

_endpoint(user) := {
	"type": "gateway_endpoint", "id": "e-1", "via": "gateway_endpoint_name", "exists": true,
	"grants": {"user": user, "groups": {}},
}

_decide(principal, operation, targets, config) := d if {
	d := authz.decision with input as {
		"principal": principal,
		"operation": operation,
		"targets": targets,
		"request": {"method": "POST", "path": "/"},
		"now_ms": 0,
	}
		with data.config as config
}

_invocations := {"InvokeGatewayEndpoint", "InvokeGatewayPassthrough", "InvokeGatewayRawProxy"}

test_invoking_an_endpoint_needs_use_on_it if {
	every op in _invocations {
		operations.table[op] == {"access": "resource", "permission": "USE"}
		_decide(_bob, op, [_endpoint("USE")], _config).allow
		_decide(_bob, op, [_endpoint("MANAGE")], _config).allow
		not _decide(_bob, op, [_endpoint("READ")], _config).allow
		_decide(_bob, op, [_endpoint("READ")], _config).reasons == ["no-permission"]
		_decide(_bob, op, [_endpoint(null)], _config).reasons == ["no-permission"]
		_decide(_root, op, [_endpoint(null)], _config).allow
	}
}

test_invoking_an_unknown_or_unnamed_endpoint_is_refused if {
	missing := object.union(_endpoint(null), {"exists": false})
	_decide(_bob, "InvokeGatewayEndpoint", [missing], _config).reasons == ["resource-not-found"]
	_decide(_bob, "InvokeGatewayPassthrough", [], _config).reasons == ["no-targets"]
}

test_endpoint_management_levels if {
	operations.table.GetGatewayEndpoint.permission == "READ"
	operations.table.ListGatewayEndpointBindings.permission == "READ"
	operations.table.ListEndpointGuardrailConfigs.permission == "READ"
	every op in {
		"DetachModelFromGatewayEndpoint", "SetGatewayEndpointTag", "DeleteGatewayEndpointTag",
		"CreateGatewayEndpointBinding", "DeleteGatewayEndpointBinding", "RemoveGuardrailFromEndpoint",
	} {
		operations.table[op] == {"access": "resource", "permission": "EDIT"}
		_decide(_bob, op, [_endpoint("EDIT")], _config).allow
		not _decide(_bob, op, [_endpoint("USE")], _config).allow
	}
	operations.table.DeleteGatewayEndpoint.permission == "MANAGE"
	not _decide(_bob, "DeleteGatewayEndpoint", [_endpoint("EDIT")], _config).allow
	_decide(_bob, "DeleteGatewayEndpoint", [_endpoint("MANAGE")], _config).allow
	_decide(_bob, "GetGatewayEndpoint", [_endpoint("READ")], _config).allow
}

test_listing_every_binding_is_for_administrators if {
	_decide(_bob, "ListGatewayEndpointBindings", [], _config).reasons == ["no-targets"]
	_decide(_root, "ListGatewayEndpointBindings", [], _config).allow
}

_admin_only := {
	"CreateGatewaySecret", "GetGatewaySecretInfo", "UpdateGatewaySecret", "DeleteGatewaySecret",
	"ListGatewaySecretInfos", "GetGatewaySecretsConfig", "CreateGatewayModelDefinition",
	"UpdateGatewayModelDefinition", "DeleteGatewayModelDefinition", "ListGatewayModelDefinitions",
	"CreateGatewayBudgetPolicy", "UpdateGatewayBudgetPolicy", "DeleteGatewayBudgetPolicy",
	"CreateGatewayGuardrail", "GetGatewayGuardrail", "DeleteGatewayGuardrail", "ListGatewayGuardrails",
	"AddGuardrailToEndpoint", "UpdateEndpointGuardrailConfig",
	"CreateWebhook", "ListWebhooks", "GetWebhook", "UpdateWebhook", "DeleteWebhook", "TestWebhook",
	"CreateWorkspace", "UpdateWorkspace", "DeleteWorkspace",
	"SearchMcpServers", "SearchMcpAccessEndpoints",
}

test_secrets_webhooks_workspace_management_and_mcp_searches_are_for_administrators if {
	every op in _admin_only {
		operations.table[op] == {"access": "admin"}
		_decide(_bob, op, [], _config).reasons == ["admin-required"]
		_decide(_root, op, [], _config).allow
	}
}

test_an_endpoint_grant_does_not_open_secrets_or_model_definitions if {
	every op in {"GetGatewaySecretInfo", "CreateGatewayModelDefinition", "UpdateGatewayModelDefinition"} {
		_decide(_bob, op, [_endpoint("MANAGE")], _config).reasons == ["admin-required"]
	}
}

_definition(user) := {
	"type": "gateway_model_definition", "id": "d-1", "via": "gateway_model_definition", "exists": true,
	"grants": {"user": user, "groups": {}}, "permission": "USE",
}

test_creating_an_endpoint_needs_use_on_every_model_definition_it_serves if {
	d := _decide(_bob, "CreateGatewayEndpoint", [_definition("USE")], _config)
	d.allow
	{"type": "grant-creator", "permission": "MANAGE"} in d.obligations
	_decide(_bob, "CreateGatewayEndpoint", [_definition("READ")], _config).reasons == ["no-permission"]
	_decide(_bob, "CreateGatewayEndpoint", [_definition(null)], _config).reasons == ["no-permission"]
	two := [_definition("USE"), object.union(_definition(null), {"id": "d-2"})]
	_decide(_bob, "CreateGatewayEndpoint", two, _config).reasons == ["no-permission"]
	missing := object.union(_definition("USE"), {"exists": false})
	_decide(_bob, "CreateGatewayEndpoint", [missing], _config).reasons == ["resource-not-found"]
	_decide(_root, "CreateGatewayEndpoint", [_definition(null)], _config).allow

	# A creation that names nothing it uses stays a plain creation (CreateExperiment).
	_decide(_bob, "CreateGatewayEndpoint", [], _config).allow
}

test_creating_an_endpoint_can_be_limited_to_groups if {
	restricted := object.union(_config, {"creators": {"gateway_endpoint": ["platform"]}})

	# Refused outside the groups, even with USE on what the endpoint serves, and with no model definition at all.
	_decide(_bob, "CreateGatewayEndpoint", [_definition("USE")], restricted).reasons == ["creation-restricted"]
	_decide(_bob, "CreateGatewayEndpoint", [], restricted).reasons == ["creation-restricted"]

	# A member still needs USE on each model definition; an administrator needs neither.
	member := object.union(_bob, {"groups": ["platform"]})
	_decide(member, "CreateGatewayEndpoint", [_definition("USE")], restricted).allow
	_decide(member, "CreateGatewayEndpoint", [_definition("READ")], restricted).reasons == ["no-permission"]
	_decide(_root, "CreateGatewayEndpoint", [_definition(null)], restricted).allow

	# Another type's list does not limit endpoints.
	others := object.union(_config, {"creators": {"mcp_server": ["platform"], "experiment": ["platform"]}})
	_decide(_bob, "CreateGatewayEndpoint", [_definition("USE")], others).allow
}

test_repointing_an_endpoint_needs_edit_on_it_and_use_on_the_definitions if {
	every op in {"UpdateGatewayEndpoint", "AttachModelToGatewayEndpoint"} {
		_decide(_bob, op, [_endpoint("EDIT"), _definition("USE")], _config).allow
		_decide(_bob, op, [_endpoint("USE"), _definition("USE")], _config).reasons == ["no-permission"]
		_decide(_bob, op, [_endpoint("MANAGE"), _definition("READ")], _config).reasons == ["no-permission"]
	}
}

test_static_and_read_only_gateway_routes_need_authentication if {
	every op in {
		"GetGatewayBudgetPolicy", "ListGatewayBudgetPolicies", "ListGatewayBudgetWindows",
		"ListGatewaySupportedProviders", "ListGatewaySupportedModels", "GetGatewayProviderConfig",
		"ListGatewayModels", "ListWorkspaces", "GetWorkspace",
	} {
		operations.table[op] == {"access": "authenticated"}
		_decide(_bob, op, [], _config).allow
		_decide({"authenticated": false, "groups": []}, op, [], _config).reasons == ["unauthenticated"]
	}
}

_assistant_ops := {op | some op, spec in operations.table; spec.access == "assistant"}

test_the_assistant_is_for_administrators_by_default if {
	count(_assistant_ops) == 11
	every op in _assistant_ops {
		_decide(_bob, op, [], _config).reasons == ["admin-required"]
		_decide(_bob, op, [], object.union(_config, {"assistant_access": "admin"})).reasons == ["admin-required"]
		_decide(_root, op, [], _config).allow
	}
}

test_the_assistant_can_be_opened_to_authenticated_callers if {
	open := object.union(_config, {"assistant_access": "authenticated"})
	every op in _assistant_ops {
		d := _decide(_bob, op, [], open)
		d.allow
		d.reasons == ["authenticated"]
		_decide({"authenticated": false, "groups": []}, op, [], open).reasons == ["unauthenticated"]
	}
}

test_the_endpoint_list_shows_only_readable_endpoints if {
	operations.table.ListGatewayEndpoints == {"access": "list"}
	_decide(_bob, "ListGatewayEndpoints", [], _config).allow
	targets := [
		object.union(_endpoint("READ"), {"id": "e-read"}),
		object.union(_endpoint("USE"), {"id": "e-use"}),
		object.union(_endpoint(null), {"id": "e-none"}),
		object.union(_endpoint("NO_PERMISSIONS"), {"id": "e-denied"}),
	]
	visible := authz.visible with input as {
		"principal": _bob, "operation": "ListGatewayEndpoints", "targets": targets,
		"request": {"method": "GET", "path": "/"}, "now_ms": 0,
	}
		with data.config as _config
	visible == {"e-read", "e-use"}
}

_server(user) := {
	"type": "mcp_server", "id": "ns/srv", "via": "mcp_server", "exists": true,
	"grants": {"user": user, "groups": {}},
}

test_mcp_servers_are_decided_by_their_grant if {
	every op, level in {"GetMcpServerVersion": "READ", "UpdateMcpServer": "EDIT", "DeleteMcpServerAlias": "MANAGE"} {
		operations.table[op] == {"access": "resource", "permission": level}
		_decide(_bob, op, [_server(level)], _config).allow
		not _decide(_bob, op, [_server(null)], _config).allow
	}
	_decide(_bob, "UpdateMcpServer", [_server("READ")], _config).reasons == ["no-permission"]
	_decide(_bob, "DeleteMcpServer", [_server("EDIT")], _config).reasons == ["no-permission"]
}

test_creating_an_mcp_server_grants_its_creator_manage if {
	d := _decide(_bob, "CreateMcpServer", [], _config)
	d.allow
	{"type": "grant-creator", "permission": "MANAGE"} in d.obligations
	restricted := object.union(_config, {"creators": {"mcp_server": ["platform"]}})
	_decide(_bob, "CreateMcpServer", [], restricted).reasons == ["creation-restricted"]
	_decide(object.union(_bob, {"groups": ["platform"]}), "CreateMcpServer", [], restricted).allow
	_decide(_root, "CreateMcpServer", [], restricted).allow
	_decide(_bob, "CreateMcpServer", [], object.union(_config, {"creators": {"gateway_endpoint": ["platform"]}})).allow
}
