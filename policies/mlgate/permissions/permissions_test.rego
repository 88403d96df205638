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

test_user_grant_wins_over_group_grant if {
	result := permissions.effective({"user": "READ", "groups": {"team": "MANAGE"}}, "EDIT")
	result == {"permission": "READ", "source": "user"}
}

test_user_explicit_deny_wins_over_group_grant if {
	result := permissions.effective({"user": "NO_PERMISSIONS", "groups": {"team": "MANAGE"}}, "READ")
	result == {"permission": "NO_PERMISSIONS", "source": "user"}
}

test_highest_group_grant_wins if {
	result := permissions.effective({"user": null, "groups": {"a": "READ", "b": "EDIT", "c": "USE"}}, "NO_PERMISSIONS")
	result == {"permission": "EDIT", "source": "group"}
}

test_group_explicit_deny_wins_over_other_groups if {
	result := permissions.effective({"groups": {"a": "MANAGE", "b": "NO_PERMISSIONS"}}, "READ")
	result == {"permission": "NO_PERMISSIONS", "source": "group"}
}

test_default_applies_without_grants if {
	permissions.effective({"user": null, "groups": {}}, "READ") == {"permission": "READ", "source": "default"}
	permissions.effective({}, "NO_PERMISSIONS") == {"permission": "NO_PERMISSIONS", "source": "default"}
}

test_level_of_keeps_known_levels_and_denies_anything_else if {
	permissions.level_of("EDIT") == "EDIT"
	permissions.level_of("NO_PERMISSIONS") == "NO_PERMISSIONS"
	permissions.level_of("no_permissions") == "NO_PERMISSIONS"
	permissions.level_of("OWNER") == "NO_PERMISSIONS"
	permissions.level_of(3) == "NO_PERMISSIONS"
}

test_unknown_group_level_denies_instead_of_being_ignored if {
	result := permissions.effective({"user": null, "groups": {"a": "OWNER", "b": "READ"}}, "READ")
	result == {"permission": "NO_PERMISSIONS", "source": "group"}
}

test_unknown_user_level_denies if {
	permissions.effective({"user": "ADMIN", "groups": {}}, "MANAGE") == {"permission": "NO_PERMISSIONS", "source": "user"}
}

test_deny_admin_by_groups_that_are_not_a_list if {
	not permissions.is_admin({"is_admin": false, "groups": {"x": "mlflow-admin"}}, ["mlflow-admin"])
}
