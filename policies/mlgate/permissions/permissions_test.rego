package mlgate.permissions_test

import data.mlgate.permissions

test_allow_higher_level_satisfies_lower if {
	permissions.satisfies("MANAGE", "READ")
	permissions.satisfies("EDIT", "EDIT")
	permissions.satisfies("EDIT", "USE")
}

test_deny_lower_level_does_not_satisfy_higher if {
	not permissions.satisfies("READ", "EDIT")
	not permissions.satisfies("EDIT", "MANAGE")
}

test_deny_no_permissions_satisfies_nothing if {
	not permissions.satisfies("NO_PERMISSIONS", "READ")
	not permissions.satisfies("NO_PERMISSIONS", "NO_PERMISSIONS")
}

test_deny_unknown_level_satisfies_nothing if {
	not permissions.satisfies("OWNER", "READ")
	not permissions.satisfies("MANAGE", "OWNER")
}

test_allow_admin_by_flag if {
	permissions.is_admin({"is_admin": true, "groups": []}, ["mlflow-admin"])
}

test_allow_admin_by_group if {
	permissions.is_admin({"is_admin": false, "groups": ["x", "mlflow-admin"]}, ["mlflow-admin"])
}

test_deny_admin_without_flag_or_group if {
	not permissions.is_admin({"is_admin": false, "groups": ["mlflow"]}, ["mlflow-admin"])
}

# Rules as the gateway puts them in data.rules (valid: compiled by the policy engine when loaded).
_rule(id, pattern, priority, permission) := {"id": id, "pattern": pattern, "priority": priority, "permission": permission, "valid": true}

_order := ["user", "group", "regex", "group-regex"]

# Every precedence situation: [grants, matching regex rules by source, source order, default, expected].
_effective_cases := {
	"user beats group": [
		{"user": "READ", "groups": {"team": "MANAGE"}}, {}, _order, "EDIT",
		{"permission": "READ", "source": "user"},
	],
	"user deny beats group": [
		{"user": "NO_PERMISSIONS", "groups": {"team": "MANAGE"}}, {}, _order, "READ",
		{"permission": "NO_PERMISSIONS", "source": "user"},
	],
	"user beats regex": [
		{"user": "READ", "groups": {}}, {"regex": [_rule("r1", ".*", 1, "MANAGE")]}, _order, "NO_PERMISSIONS",
		{"permission": "READ", "source": "user"},
	],
	"highest of several groups": [
		{"user": null, "groups": {"a": "READ", "b": "EDIT", "c": "USE"}}, {}, _order, "NO_PERMISSIONS",
		{"permission": "EDIT", "source": "group", "group": "b"},
	],
	"a group deny does not beat another group's grant": [
		{"groups": {"a": "MANAGE", "b": "NO_PERMISSIONS"}}, {}, _order, "READ",
		{"permission": "MANAGE", "source": "group", "group": "a"},
	],
	"groups that all deny": [
		{"groups": {"a": "NO_PERMISSIONS", "b": "NO_PERMISSIONS"}}, {}, _order, "READ",
		{"permission": "NO_PERMISSIONS", "source": "group", "group": "a"},
	],
	"unknown group level counts as a deny": [
		{"user": null, "groups": {"a": "OWNER", "b": "READ"}}, {}, _order, "MANAGE",
		{"permission": "READ", "source": "group", "group": "b"},
	],
	"a tie between groups: the first by name": [
		{"groups": {"team-b": "EDIT", "team-a": "EDIT", "readers": "READ"}}, {}, _order, "NO_PERMISSIONS",
		{"permission": "EDIT", "source": "group", "group": "team-a"},
	],
	"the highest group named whatever the names' order": [
		{"groups": {"alpha": "READ", "zulu": "MANAGE"}}, {}, _order, "NO_PERMISSIONS",
		{"permission": "MANAGE", "source": "group", "group": "zulu"},
	],
	"unknown user level denies": [
		{"user": "ADMIN", "groups": {}}, {}, _order, "MANAGE",
		{"permission": "NO_PERMISSIONS", "source": "user"},
	],
	"group beats regex": [
		{"groups": {"a": "READ"}}, {"regex": [_rule("r1", ".*", 1, "MANAGE")]}, _order, "NO_PERMISSIONS",
		{"permission": "READ", "source": "group", "group": "a"},
	],
	"regex beats group-regex": [
		{}, {"regex": [_rule("r1", ".*", 9, "READ")], "group-regex": [_rule("g1", ".*", 1, "MANAGE")]}, _order,
		"NO_PERMISSIONS", {"permission": "READ", "source": "regex", "rule": "r1"},
	],
	"group-regex when nothing else answers": [
		{"user": null, "groups": {}}, {"regex": [], "group-regex": [_rule("g1", "team-a/.*", 5, "EDIT")]}, _order,
		"NO_PERMISSIONS", {"permission": "EDIT", "source": "group-regex", "rule": "g1"},
	],
	"lowest priority number wins": [
		{}, {"regex": [_rule("wide", ".*", 10, "MANAGE"), _rule("narrow", "x.*", 2, "READ")]}, _order,
		"NO_PERMISSIONS", {"permission": "READ", "source": "regex", "rule": "narrow"},
	],
	"a deny rule of lower priority number overrides a broader allow": [
		{}, {"group-regex": [_rule("allow", "team-a/.*", 10, "EDIT"), _rule("deny", "team-a/secret", 1, "NO_PERMISSIONS")]},
		_order, "READ", {"permission": "NO_PERMISSIONS", "source": "group-regex", "rule": "deny"},
	],
	"an allow rule of lower priority number overrides a deny": [
		{}, {"regex": [_rule("allow", "a", 1, "READ"), _rule("deny", ".*", 2, "NO_PERMISSIONS")]}, _order,
		"NO_PERMISSIONS", {"permission": "READ", "source": "regex", "rule": "allow"},
	],
	"same priority: the lowest permission": [
		{}, {"regex": [_rule("a", ".*", 3, "MANAGE"), _rule("b", ".*", 3, "NO_PERMISSIONS"), _rule("c", ".*", 3, "READ")]},
		_order, "MANAGE", {"permission": "NO_PERMISSIONS", "source": "regex", "rule": "b"},
	],
	"a regex rule with an unknown level denies": [
		{}, {"regex": [_rule("a", ".*", 3, "OWNER")]}, _order, "MANAGE",
		{"permission": "NO_PERMISSIONS", "source": "regex", "rule": "a"},
	],
	"the default when nothing answers": [
		{"user": null, "groups": {}}, {"regex": [], "group-regex": []}, _order, "READ",
		{"permission": "READ", "source": "default"},
	],
	"the default with no grants at all": [{}, {}, _order, "NO_PERMISSIONS", {"permission": "NO_PERMISSIONS", "source": "default"}],
	"order: group-regex first": [
		{"user": "MANAGE", "groups": {"a": "MANAGE"}}, {"group-regex": [_rule("g", ".*", 1, "READ")]},
		["group-regex", "regex", "group", "user"], "NO_PERMISSIONS",
		{"permission": "READ", "source": "group-regex", "rule": "g"},
	],
	"order: regex before user": [
		{"user": "MANAGE"}, {"regex": [_rule("r", ".*", 1, "NO_PERMISSIONS")]}, ["regex", "user", "group", "group-regex"],
		"READ", {"permission": "NO_PERMISSIONS", "source": "regex", "rule": "r"},
	],
	"order: group before user": [
		{"user": "READ", "groups": {"a": "EDIT"}}, {}, ["group", "user"], "NO_PERMISSIONS",
		{"permission": "EDIT", "source": "group", "group": "a"},
	],
	"order: a source left out is never asked": [
		{"user": "MANAGE", "groups": {"a": "EDIT"}}, {"regex": [_rule("r", ".*", 1, "READ")]}, ["regex"], "NO_PERMISSIONS",
		{"permission": "READ", "source": "regex", "rule": "r"},
	],
	"order: only sources that do not answer": [
		{"user": "MANAGE"}, {}, ["group", "group-regex"], "USE",
		{"permission": "USE", "source": "default"},
	],
	"order: an unknown source answers nothing": [
		{"user": "EDIT"}, {}, ["users", "user"], "NO_PERMISSIONS",
		{"permission": "EDIT", "source": "user"},
	],
	"order: empty, the default": [{"user": "EDIT"}, {}, [], "READ", {"permission": "READ", "source": "default"}],
}

test_effective_precedence if {
	every name, case in _effective_cases {
		result := permissions.effective(case[0], case[1], case[2], case[3])
		print_mismatch(name, result, case[4])
	}
}

print_mismatch(name, result, expected) if {
	result == expected
} else := false if {
	print(name, "got", result, "expected", expected)
}

_rule_match_cases := {
	"whole name": [_rule("a", "team-a/.*", 1, "READ"), "team-a/exp", true],
	"no prefix match": [_rule("a", "team-a", 1, "READ"), "team-a/exp", false],
	"no suffix match": [_rule("a", "exp", 1, "READ"), "team-a/exp", false],
	"alternation anchored as a whole": [_rule("a", "a|b", 1, "READ"), "ab", false],
	"alternation matches either": [_rule("a", "a|team-a/.*", 1, "READ"), "team-a/x", true],
	"other team": [_rule("a", "team-a/.*", 1, "READ"), "team-b/exp", false],
	"no name": [_rule("a", ".*", 1, "READ"), null, false],
	"invalid rule matches everything": [{"id": "x", "pattern": "(", "priority": 1, "permission": "NO_PERMISSIONS", "valid": false}, "any", true],
	"invalid rule matches unnamed": [{"id": "x", "pattern": "(", "priority": 1, "permission": "NO_PERMISSIONS", "valid": false}, null, true],
	"valid flag may be left out": [{"id": "x", "pattern": "a.c", "priority": 1, "permission": "READ"}, "abc", true],
	"a pattern that is not a string": [{"id": "x", "pattern": 7, "priority": 1, "permission": "READ"}, "7", false],
	"flags stay inside the rule": [_rule("a", "(?i)team-a/.*", 1, "READ"), "TEAM-A/x", true],
}

test_rule_matches if {
	every name, case in _rule_match_cases {
		matched := _matches(case[0], case[1])
		print_mismatch(name, matched, case[2])
	}
}

_matches(rule, name) if permissions.rule_matches(rule, name)

else := false

test_anchored if {
	permissions.anchored("a|b") == "^(?:a|b)$"
}

test_default_source_order if {
	permissions.default_source_order == ["user", "group", "regex", "group-regex"]
}

test_level_of_keeps_known_levels_and_denies_anything_else if {
	permissions.level_of("EDIT") == "EDIT"
	permissions.level_of("NO_PERMISSIONS") == "NO_PERMISSIONS"
	permissions.level_of("no_permissions") == "NO_PERMISSIONS"
	permissions.level_of("OWNER") == "NO_PERMISSIONS"
	permissions.level_of(3) == "NO_PERMISSIONS"
}

test_deny_admin_by_groups_that_are_not_a_list if {
	not permissions.is_admin({"is_admin": false, "groups": {"x": "mlflow-admin"}}, ["mlflow-admin"])
}
