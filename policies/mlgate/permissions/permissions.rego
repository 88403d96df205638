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
#   The permission sources, in the order they are asked when none is configured
#   (mlflow-oidc-auth's PERMISSION_SOURCE_ORDER).
default_source_order := ["user", "group", "regex", "group-regex"]

# METADATA
# description: |
#   The effective permission on one resource, with the source that decided it.
#   The sources are asked in `order`; the first that answers wins:
#     user         the user's own grant on the resource;
#     group        the grants of the user's groups on it: the highest one wins;
#     regex        the user's regex rules matching the resource's name: the lowest
#                  priority number wins (on a tie, the lowest permission);
#     group-regex  the same for the regex rules of the user's groups.
#   NO_PERMISSIONS is an answer like any other (an explicit deny). When no
#   source answers, `default_permission` applies (source "default"). An answer
#   names what decided: "group" the group whose grant it is (the first by name
#   when several hold the highest), "rule" the id of the regex rule.
#   `matches` holds the regex rules that matched, by source: {"regex": [...], "group-regex": [...]}.
effective(grants, matches, order, default_permission) := answers[0] if {
	answers := [answer |
		some source in order
		answer := _answer(grants, matches, source)
	]
	count(answers) > 0
} else := {"permission": default_permission, "source": "default"}

_answer(grants, _, "user") := {"permission": level_of(grants.user), "source": "user"} if {
	object.get(grants, "user", null) != null
}

_answer(grants, _, "group") := {"permission": permission, "source": "group", "group": _deciding_group(groups, permission)} if {
	groups := object.get(grants, "groups", {})
	count(groups) > 0
	permission := _group_permission(groups)
}

_answer(_, matches, "regex") := {"permission": rule_permission(rule), "source": "regex", "rule": _id(rule)} if {
	rule := first_rule(object.get(matches, "regex", []))
}

_answer(_, matches, "group-regex") := {
	"permission": rule_permission(rule),
	"source": "group-regex",
	"rule": _id(rule),
} if {
	rule := first_rule(object.get(matches, "group-regex", []))
}

_id(rule) := object.get(rule, "id", null)

# The highest group grant (a misspelt level counts as NO_PERMISSIONS).
_group_permission(groups) := level_name(max([levels[level_of(permission)] | some permission in groups]))

# The group whose grant decided: among the groups holding the highest grant, the first by name.
_deciding_group(groups, permission) := min({group |
	some group, granted in groups
	level_of(granted) == permission
})

# METADATA
# description: The name of a permission rank.
level_name(rank) := name if {
	some name, value in levels
	value == rank
}

# METADATA
# description: |
#   The regex rule that decides among several that match: the lowest priority
#   number; on a tie, the lowest permission (NO_PERMISSIONS first), then the
#   first in the list.
first_rule(rules) := candidates[0] if {
	top := min([rule.priority | some rule in rules])
	lowest := min([levels[rule_permission(rule)] | some rule in rules; rule.priority == top])
	candidates := [rule |
		some rule in rules
		rule.priority == top
		levels[rule_permission(rule)] == lowest
	]
}

# METADATA
# description: A rule's permission as applied; a rule marked invalid denies.
rule_permission(rule) := "NO_PERMISSIONS" if rule.valid == false

else := level_of(rule.permission)

# METADATA
# description: |
#   True when a regex rule matches a resource name. A rule's pattern must match
#   the whole name (it is anchored at both ends, unlike mlflow-oidc-auth's prefix
#   match). A rule marked invalid (a pattern the gateway could not compile)
#   matches every resource, so that a broken deny rule still denies.
rule_matches(rule, _) if rule.valid == false

rule_matches(rule, name) if {
	object.get(rule, "valid", true) != false
	is_string(name)
	is_string(rule.pattern)
	regex.match(anchored(rule.pattern), name)
}

# METADATA
# description: A pattern made to match the whole name.
anchored(pattern) := concat("", ["^(?:", pattern, ")$"])
