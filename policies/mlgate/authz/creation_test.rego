package mlgate.authz_creation_test

import data.mlgate.authz

# Creation: who may create (data.config.creators) and what the creator's groups get (data.groups).

_config := {"default_permission": "NO_PERMISSIONS", "admin_groups": ["mlflow-admin"]}

_member(groups) := {"authenticated": true, "username": "alice", "is_admin": false, "groups": groups, "auth_method": "basic"}

_root := {"authenticated": true, "username": "root", "is_admin": true, "groups": [], "auth_method": "basic"}

_create(principal, config, groups) := d if {
	d := authz.decision with input as {
		"principal": principal,
		"operation": "CreateExperiment",
		"targets": [],
		"request": {"method": "POST", "path": "/api/2.0/mlflow/experiments/create"},
		"now_ms": 0,
	}
		with data.config as config
		with data.groups as groups
}

_restricted := object.union(_config, {"creators": {"experiment": ["ml-team", "data-eng"]}})

test_anyone_authenticated_creates_when_no_creators_are_configured if {
	_create(_member([]), _config, {}).allow
	_create(_member([]), object.union(_config, {"creators": {"experiment": []}}), {}).allow
	_create(_member([]), object.union(_config, {"creators": {"registered_model": ["x"]}}), {}).allow
}

test_only_members_of_the_creator_groups_create_when_configured if {
	d := _create(_member(["team-a"]), _restricted, {})
	not d.allow
	d.reasons == ["creation-restricted"]
	d.obligations == []
	_create(_member(["team-a", "data-eng"]), _restricted, {}).allow
	_create(_member(["ml-team"]), _restricted, {}).allow
}

test_administrators_create_whatever_the_creator_groups if {
	d := _create(_root, _restricted, {})
	d.allow
	d.reasons == ["admin"]
	_create(_member(["mlflow-admin"]), _restricted, {}).allow
}

test_an_operation_of_access_create_without_a_type_is_refused if {
	d := authz.decision with input as {
		"principal": _member([]),
		"operation": "CreateThing",
		"targets": [],
		"request": {"method": "POST", "path": "/"},
		"now_ms": 0,
	}
		with data.config as _config
		with data.mlgate.operations.table as {"CreateThing": {"access": "create", "creator_permission": "MANAGE"}}
	not d.allow
	d.reasons == ["creation-restricted"]
}

test_creator_groups_with_a_creator_permission_are_granted_it if {
	groups := {"team-a": {"creator_permission": "EDIT"}, "team-b": {}, "team-c": {"creator_permission": "READ"}}
	d := _create(_member(["team-a", "team-b", "team-c", "undefined-group"]), _config, groups)
	d.allow
	{o | some o in d.obligations} == {
		{"type": "grant-creator", "permission": "MANAGE"},
		{"type": "grant-group", "group": "team-a", "permission": "EDIT"},
		{"type": "grant-group", "group": "team-c", "permission": "READ"},
	}
}

test_groups_the_creator_is_not_in_and_bad_levels_get_nothing if {
	groups := {"team-x": {"creator_permission": "EDIT"}, "team-a": {"creator_permission": "OWNER"}}
	d := _create(_member(["team-a"]), _config, groups)
	d.obligations == [{"type": "grant-creator", "permission": "MANAGE"}]
	groups_np := {"team-a": {"creator_permission": "NO_PERMISSIONS"}}
	_create(_member(["team-a"]), _config, groups_np).obligations == [{"type": "grant-creator", "permission": "MANAGE"}]
}

test_an_administrator_creator_groups_are_granted_too if {
	admin := object.union(_root, {"groups": ["team-a"]})
	d := _create(admin, _config, {"team-a": {"creator_permission": "USE"}})
	{"type": "grant-group", "group": "team-a", "permission": "USE"} in d.obligations
}
