# METADATA
# title: Permission levels and effective permission
# description: |
#   MLflow's permission ladder (READ < USE < EDIT < MANAGE), NO_PERMISSIONS as an
#   explicit deny, and how user grants, group grants and the configured default
#   combine into one effective permission for a principal on a resource.
package mlgate.permissions

# METADATA
# description: Rank of each permission level; higher ranks include the lower ones.
levels := {
	"NO_PERMISSIONS": 0,
	"READ": 1,
	"USE": 2,
	"EDIT": 3,
	"MANAGE": 4,
}

# METADATA
# description: True when permission `held` satisfies the `required` level.
satisfies(held, required) if {
	levels[required] > 0
	levels[held] >= levels[required]
}

# METADATA
# description: True when the principal is an administrator (flag or admin group).
is_admin(principal, _) if principal.is_admin == true

is_admin(principal, admin_groups) if {
	is_array(principal.groups)
	some group in principal.groups
	group in admin_groups
}

# METADATA
# description: |
#   A grant's level as the policy applies it: a known positive level as it is,
#   anything else (NO_PERMISSIONS, an unknown or misspelt level, a non-string)
#   as NO_PERMISSIONS, so a bad grant denies instead of being ignored.
level_of(permission) := permission if levels[permission] > 0

else := "NO_PERMISSIONS"

# METADATA
# description: |
#   The effective permission on one resource, with the source that decided it.
#   A direct user grant wins; otherwise the groups decide (an explicit
#   NO_PERMISSIONS on any group wins over positive group grants, else the
#   highest group grant); otherwise the configured default applies.
effective(grants, default_permission) := {"permission": level_of(grants.user), "source": "user"} if {
	grants.user != null
} else := {"permission": permission, "source": "group"} if {
	groups := object.get(grants, "groups", {})
	count(groups) > 0
	permission := _group_permission(groups)
} else := {"permission": default_permission, "source": "default"}

_group_permission(groups) := "NO_PERMISSIONS" if {
	some permission in groups
	level_of(permission) == "NO_PERMISSIONS"
} else := permission if {
	top := max([levels[p] | some p in groups])
	some permission in groups
	levels[permission] == top
}
