package mlgate.authz_registry_test

import data.mlgate.authz

# The model registry and prompts (h/registry): the type CreateRegisteredModel creates comes from the attribute
# created_type; the prompt tag is reserved to administrators; registered models and prompts are separate types.

_config := {"default_permission": "NO_PERMISSIONS", "admin_groups": []}

_user(groups) := {"authenticated": true, "username": "ada", "is_admin": false, "groups": groups, "auth_method": "basic"}

_root := {"authenticated": true, "username": "root", "is_admin": true, "groups": [], "auth_method": "basic"}

_decide(principal, operation, targets, attributes, config) := d if {
	d := authz.decision with input as {
		"principal": principal,
		"operation": operation,
		"targets": targets,
		"request": {"method": "POST", "path": "/"},
		"attributes": attributes,
		"now_ms": 0,
	}
		with data.config as config
}

_create(principal, attributes, config) := _decide(principal, "CreateRegisteredModel", [], attributes, config)

_prompt_makers := object.union(_config, {"creators": {"prompt": ["prompt-makers"]}})

test_creates_the_type_the_attribute_names if {
	d := _create(_user([]), {"created_type": "prompt"}, _config)
	d.allow
	{"type": "grant-creator", "permission": "MANAGE"} in d.obligations
	_create(_user([]), {"created_type": "registered_model"}, _config).allow
}

test_each_type_has_its_own_creator_groups if {
	refused := _create(_user(["ml"]), {"created_type": "prompt"}, _prompt_makers)
	not refused.allow
	refused.reasons == ["creation-restricted"]
	_create(_user(["prompt-makers"]), {"created_type": "prompt"}, _prompt_makers).allow
	_create(_user(["ml"]), {"created_type": "registered_model"}, _prompt_makers).allow
	_create(_root, {"created_type": "prompt"}, _prompt_makers).allow
}

test_a_creation_without_a_known_type_is_invalid_input if {
	missing := _create(_user([]), {}, _config)
	not missing.allow
	"input-invalid" in missing.reasons
	other := _create(_user([]), {"created_type": "experiment"}, _config)
	"input-invalid" in other.reasons
	not _create(_root, {"created_type": "nothing"}, _config).allow
}

_model(type, grants) := {"type": type, "id": "X", "via": "registered_model_name", "exists": true, "grants": grants}

test_the_prompt_tag_is_reserved_to_administrators if {
	target := _model("registered_model", {"user": "MANAGE", "groups": {}})
	refused := _decide(_user([]), "SetRegisteredModelTag", [target], {"key": "mlflow.prompt.is_prompt"}, _config)
	not refused.allow
	refused.reasons == ["reserved-value"]
	not _decide(_user([]), "DeleteRegisteredModelTag", [target], {"key": "mlflow.prompt.is_prompt"}, _config).allow
	_decide(_user([]), "SetRegisteredModelTag", [target], {"key": "team"}, _config).allow
	_decide(_root, "SetRegisteredModelTag", [target], {"key": "mlflow.prompt.is_prompt"}, _config).allow
}

test_regex_rules_of_one_type_do_not_reach_the_other if {
	rules := {"registered_model": {"user": {"ada": [{"id": "r1", "pattern": ".*", "priority": 1, "permission": "MANAGE", "valid": true}]}}}
	prompt := object.union(_model("prompt", {"user": null, "groups": {}}), {"name": "X"})
	model := object.union(_model("registered_model", {"user": null, "groups": {}}), {"name": "X"})
	not _decide(_user([]), "GetRegisteredModel", [prompt], {}, _config).allow with data.rules as rules
	_decide(_user([]), "GetRegisteredModel", [model], {}, _config).allow with data.rules as rules
}
