package mlgate.authz_manage_permissions_test

import data.mlgate.authz

# The gateway's permissions API (ManagePermissions): MANAGE on the resource lets a user change its grants below
# MANAGE; granting MANAGE, or changing or removing a MANAGE grant, is for administrators.

_config := {"default_permission": "NO_PERMISSIONS", "admin_groups": ["admins"]}

_user(groups) := {"authenticated": true, "username": "ada", "is_admin": false, "groups": groups, "auth_method": "basic"}

_experiment(grants) := {"type": "experiment", "id": "1", "via": "experiment", "exists": true, "grants": grants}

_decide(principal, target, attributes) := d if {
	d := authz.decision with input as {
		"principal": principal,
		"operation": "ManagePermissions",
		"targets": [target],
		"request": {"method": "PUT", "path": "/_mlgate/api/grants"},
		"attributes": attributes,
		"now_ms": 0,
	}
		with data.config as _config
}

_managed := _experiment({"user": "MANAGE", "groups": {}})

test_a_manage_holder_grants_levels_below_manage if {
	every level in ["READ", "USE", "EDIT", "NO_PERMISSIONS"] {
		_decide(_user([]), _managed, {"permission": level}).allow
		_decide(_user([]), _managed, {"permission": level, "current_permission": "EDIT"}).allow
	}

	# Listing, and removing a grant below MANAGE.
	_decide(_user([]), _managed, {}).allow
	_decide(_user([]), _managed, {"current_permission": "READ"}).allow
}

test_manage_held_through_a_group_counts if {
	_decide(_user(["owners"]), _experiment({"user": null, "groups": {"owners": "MANAGE"}}), {"permission": "READ"}).allow
}

test_below_manage_nothing_may_be_changed if {
	every held in ["READ", "USE", "EDIT", "NO_PERMISSIONS"] {
		refused := _decide(_user([]), _experiment({"user": held, "groups": {}}), {"permission": "READ"})
		not refused.allow
		refused.checks[0].required == "MANAGE"
	}
	not _decide(_user([]), _experiment({"user": null, "groups": {}}), {}).allow
}

test_manage_grants_are_for_administrators if {
	granting := _decide(_user([]), _managed, {"permission": "MANAGE"})
	not granting.allow
	granting.reasons == ["reserved-value"]
	demoting := _decide(_user([]), _managed, {"permission": "READ", "current_permission": "MANAGE"})
	demoting.reasons == ["reserved-value"]
	not _decide(_user([]), _managed, {"current_permission": "MANAGE"}).allow
	_decide(_user(["admins"]), _managed, {"permission": "MANAGE", "current_permission": "MANAGE"}).allow
}

test_a_missing_resource_is_refused if {
	missing := _decide(_user([]), object.union(_managed, {"exists": false}), {"permission": "READ"})
	missing.reasons == ["resource-not-found"]
}
