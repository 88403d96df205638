# METADATA
# title: mlgate authorization
# description: |
#   Decides every request the gateway receives. The gateway authenticates the
#   caller, maps the request to an MLflow operation and resolves the resources
#   it touches (targets) before asking; this package only decides.
#
#   input:
#     principal   {authenticated, username, is_admin, groups, auth_method}
#     operation   MLflow operation name from the route catalogue, or null
#     targets     [{type, id, via, ref?, exists, grants: {user, groups}, name?, permission?}]
#                 (ref: what the request named, which `via` resolved to this target: a run id, a dataset id;
#                 permission: what this target needs when it is not the operation's permission;
#                 name: the resource's name, which regex rules match, when the gateway looked it up)
#     request     {method, path}
#     attributes  request fields the policy decides on, by name (e.g. artifact_location); optional
#     now_ms      request time (milliseconds since the epoch)
#   data.config:
#     default_permission  permission when no grant applies
#     admin_groups        groups whose members are administrators
#     source_order        the permission sources in the order they are asked (see mlgate.permissions)
#     artifact_roots      where a non-administrator may place an experiment's artifacts
#     unreadable_search_targets  "drop" or "refuse": what a search over several experiments does with the
#                         ones the caller may not read (operations marked drops_unreadable)
#     assistant_access    "admin" (the default) or "authenticated": who may use the MLflow assistant (operations
#                         of access "assistant")
#     creators            {<resource type>: [group, ...]}: when a type's list is not empty, only administrators
#                         and members of these groups may create resources of that type (the type an operation
#                         creates: its `creates`, or its `creates_from_attribute` attribute's value)
#   data.groups:
#     <group>             {creator_permission?}: the defined groups' settings; creator_permission is granted to the
#                         group on what its members create
#   data.rules:
#     <resource type>.user.<username>  [{id, pattern, priority, permission, valid}]: the user's regex rules
#     <resource type>.group.<group>    the same for the rules of a group
package mlgate.authz

import data.mlgate.operations
import data.mlgate.permissions

default _default_permission := "NO_PERMISSIONS"

_default_permission := data.config.default_permission

default _admin_groups := []

_admin_groups := data.config.admin_groups

default _source_order := ["user", "group", "regex", "group-regex"]

_source_order := data.config.source_order

default _unreadable_search_targets := "drop"

_unreadable_search_targets := data.config.unreadable_search_targets

default _artifact_roots := []

default _creators := {}

_creators := data.config.creators

default _defined_groups := {}

_defined_groups := data.groups

_artifact_roots := data.config.artifact_roots

_op := operations.table[input.operation]

_public if _op.access == "public"

_authenticated if input.principal.authenticated == true

_admin if {
	_authenticated
	permissions.is_admin(input.principal, _admin_groups)
}

# Accesses a non-administrator may be granted through this package.
_user_accesses := {"authenticated", "create", "list", "resource", "assistant"}

_resource_check if {
	_authenticated
	not _admin
	_op.access == "resource"
}

# The targets of a request are checked for access "resource", and for access "create" when the creation names
# resources it uses (h/gateway: the model definitions a new AI gateway endpoint serves), each needing the
# permission its route sets.
_target_check if _resource_check

_target_check if {
	_authenticated
	not _admin
	_op.access == "create"
}

_effective(target) := permissions.effective(
	object.get(target, "grants", {}),
	_regex_matches(target),
	_source_order,
	_default_permission,
)

# The regex rules of the principal and of their groups that match the target's name, by source.
_regex_matches(target) := {
	"regex": [rule |
		some rule in object.get(_rules, [target.type, "user", _username], [])
		permissions.rule_matches(rule, object.get(target, "name", null))
	],
	"group-regex": [rule |
		some group in _groups
		some rule in object.get(_rules, [target.type, "group", group], [])
		permissions.rule_matches(rule, object.get(target, "name", null))
	],
}

default _rules := {}

_rules := data.rules

_username := _get(_principal, "username")

_groups := groups if {
	groups := _get(_principal, "groups")
	is_array(groups)
} else := []

_existing_targets contains target if {
	some target in input.targets
	target.exists == true
}

# The gateway always sends well-formed input; anything else is refused, never guessed at.
# (Fields are read with _get: `not f(input.x)` is undefined, not true, when input.x is missing.)
_get(value, key) := object.get(value, key, null) if is_object(value)

else := null

default _principal := null

_principal := _get(input, "principal")

_input_invalid contains "principal" if not is_object(_principal)

_input_invalid contains "principal.authenticated" if not is_boolean(_get(_principal, "authenticated"))

_input_invalid contains "principal.groups" if not is_array(_get(_principal, "groups"))

_input_invalid contains "targets" if not is_array(_get(input, "targets"))

_input_invalid contains "target" if {
	some target in input.targets
	not _valid_target(target)
}

_valid_target(target) if {
	is_string(target.id)
	is_boolean(target.exists)
	is_object(target.grants)
	_valid_user_grant(object.get(target.grants, "user", null))
	is_object(object.get(target.grants, "groups", {}))
	_valid_target_permission(object.get(target, "permission", null))
	_valid_name(object.get(target, "name", null))
	every permission in object.get(target.grants, "groups", {}) {
		is_string(permission)
	}
}

_valid_user_grant(grant) if grant == null

_valid_target_permission(permission) if permission == null

_valid_target_permission(permission) if permissions.levels[permission] > 0

_valid_user_grant(grant) if is_string(grant)

_valid_name(name) if name == null

_valid_name(name) if is_string(name)

_input_invalid contains "attributes" if {
	"attributes" in object.keys(input)
	not is_object(input.attributes)
}

_valid_input if count(_input_invalid) == 0

# METADATA
# description: Why the request is refused; empty when nothing stands in the way.
deny contains "input-invalid" if not _valid_input

deny contains "unauthenticated" if {
	not _public
	not _authenticated
}

deny contains "route-unknown" if {
	_authenticated
	not _admin
	not _op
}

deny contains "admin-required" if {
	_authenticated
	not _admin
	_op.access == "admin"
}

# The MLflow assistant (h/gateway): administrators only unless the configuration opens it to every authenticated
# caller.
default _assistant_access := "admin"

_assistant_access := data.config.assistant_access

deny contains "admin-required" if {
	_authenticated
	not _admin
	_op.access == "assistant"
	_assistant_access != "authenticated"
}

deny contains "operation-invalid" if {
	_authenticated
	not _admin
	_op
	not _known_access
}

_known_access if _op.access in (_user_accesses | {"admin", "public"})

deny contains "no-targets" if {
	_resource_check
	count(input.targets) == 0
	not _op.allow_no_targets
}

deny contains "resource-not-found" if {
	_target_check
	some target in input.targets
	target.exists == false
}

# A search over several experiments may leave out the ones the caller cannot read, as MLflow's own auth does,
# instead of refusing the whole request: the gateway is obliged to drop them before MLflow sees the request.
_drops_unreadable if {
	_resource_check
	_op.drops_unreadable == true
	_unreadable_search_targets == "drop"
}

deny contains "no-permission" if {
	_target_check
	not _drops_unreadable
	some target in _existing_targets
	not _permitted(target)
}

# Where a non-administrator may put an experiment's artifacts: under a configured root (each ending in "/"),
# with no dot-dot, percent-escape, backslash, query, fragment or white space that could lead elsewhere.
deny contains "artifact-location-not-allowed" if {
	_authenticated
	not _admin
	location := object.get(object.get(input, "attributes", {}), "artifact_location", null)
	location != null
	location != ""
	not _allowed_artifact_location(location)
}

_allowed_artifact_location(location) if {
	is_string(location)
	not regex.match(`\.\.|[%\\?#\s]`, location)
	some root in _artifact_roots
	startswith(location, root)
}

# Who may create: when groups are configured for the resource type the operation creates, only their members (and
# administrators). An operation of access "create" without a `creates` type is always refused (the operations tests
# check that none exists).
deny contains "creation-restricted" if {
	_authenticated
	not _admin
	_op.access == "create"
	not _may_create
}

_may_create if count(object.get(_creators, _created_type, [])) == 0

_may_create if {
	some group in _groups
	group in _creators[_created_type]
}

# The resource type a creation makes: the operation's `creates`, or, for an operation whose type depends on the
# request (`creates_from_attribute`: CreateRegisteredModel makes a registered model or a prompt), the value of that
# attribute, which must be one of `creates_one_of`. Undefined otherwise: the input is refused as invalid.
_created_type := _op.creates if not _op.creates_from_attribute

_created_type := type if {
	type := object.get(_attributes, _op.creates_from_attribute, null)
	type in _op.creates_one_of
}

default _attributes := {}

_attributes := input.attributes if is_object(input.attributes)

_input_invalid contains concat(".", ["attributes", _op.creates_from_attribute]) if {
	_op.access == "create"
	_op.creates_from_attribute
	not _created_type
}

# A value only administrators may set (`reserved_attribute`: {attribute: [values]}): the prompt tag of a registered
# model, which would move it to the other permission type, away from its grants and under the other type's rules.
deny contains "reserved-value" if {
	_authenticated
	not _admin
	some name, values in object.get(_op, "reserved_attribute", {})
	object.get(_attributes, name, null) in values
}

# Functions, so that a missing _op.permission makes them undefined (and the target refused).
_permitted(target) if permissions.satisfies(_effective(target).permission, _required(target))

# What a target needs: its own permission when the route sets one (e.g. READ on a source run), else the operation's.
_required(target) := target.permission if is_string(object.get(target, "permission", null))

else := _op.permission

deny contains "explicit-deny" if {
	_target_check
	not _drops_unreadable
	some target in _existing_targets
	effective := _effective(target)
	effective.permission == "NO_PERMISSIONS"
	effective.source != "default"
}

# METADATA
# description: True when the request may proceed.
default allow := false

allow if {
	_valid_input
	_public
}

allow if {
	_valid_input
	_admin
}

allow if {
	_valid_input
	_authenticated
	_op.access in _user_accesses
	count(deny) == 0
}

# Grounds of an allowed request, for logs and explanations.
_grounds contains "public" if _public

_grounds contains "admin" if {
	not _public
	_admin
}

_grounds contains "authenticated" if {
	not _public
	not _admin
	_op.access in {"authenticated", "create", "list", "assistant"}
}

_grounds contains concat(":", ["grant", _effective(target).source]) if {
	_target_check
	some target in _existing_targets
}

_grounds contains "no-targets" if {
	_resource_check
	count(input.targets) == 0
}

# METADATA
# description: What the gateway must do after a successful response.
obligations contains {"type": "drop-unreadable-targets"} if {
	allow
	_drops_unreadable
}

obligations contains {"type": "grant-creator", "permission": _op.creator_permission} if {
	allow
	_authenticated
	_op.access == "create"
}

# Each defined group of the creator that has a creator_permission gets it on the new resource.
obligations contains {"type": "grant-group", "group": group, "permission": permission} if {
	allow
	_authenticated
	_op.access == "create"
	some group in _groups
	permission := object.get(object.get(_defined_groups, group, {}), "creator_permission", null)
	permissions.levels[permission] > 0
}

# METADATA
# description: Per-target evaluation, for logs and explanations.
checks contains check if {
	_target_check
	some target in _existing_targets
	effective := _effective(target)
	check := object.union(
		{
			"type": target.type,
			"id": target.id,
			"required": _required(target),
			"permission": effective.permission,
			"source": effective.source,
			"satisfied": _satisfied(effective.permission, _required(target)),
		},
		_decided_by(effective),
	)
}

# What decided, for logs, denials and explanations: the regex rule's id, or the group whose grant it is.
_decided_by(effective) := {"rule": effective.rule} if is_string(effective.rule)

else := {"group": effective.group} if is_string(effective.group)

else := {}

_satisfied(held, required) if permissions.satisfies(held, required)

else := false

_deny_reasons := sort(deny) if count(deny) > 0

else := ["policy-default-deny"]

# METADATA
# description: The decision document for one request.
# entrypoint: true
decision := {
	"allow": true,
	"reasons": sort(_grounds),
	"obligations": [o | some o in obligations],
	"checks": [c | some c in checks],
} if {
	allow
} else := {
	"allow": false,
	"reasons": _deny_reasons,
	"obligations": [],
	"checks": [c | some c in checks],
}

# METADATA
# description: |
#   Ids of the targets the principal may read; list responses are filtered to
#   these rows.
# entrypoint: true
visible contains target.id if {
	_valid_input
	some target in input.targets
	_readable(target)
}

_readable(_) if _admin

_readable(target) if {
	_authenticated
	not _admin
	permissions.satisfies(_effective(target).permission, "READ")
}

# METADATA
# description: |
#   The resources the principal may read, by what the request named (the
#   targets' ref): a resource that carries the permissions of several (an
#   evaluation dataset, of every experiment linked to it) is readable only
#   when every target with its ref is. Filtered dataset searches keep these
#   rows; a target without a ref names nothing here.
# entrypoint: true
visible_resources contains target.ref if {
	_valid_input
	some target in input.targets
	is_string(object.get(target, "ref", null))
	every other in input.targets {
		_readable_or_other(other, target.ref)
	}
}

_readable_or_other(target, ref) if object.get(target, "ref", null) != ref

_readable_or_other(target, ref) if {
	object.get(target, "ref", null) == ref
	_resource_readable(target)
}

# A resource linked to nothing (a target that does not exist) is an administrator's only, as for a single request.
_resource_readable(_) if _admin

_resource_readable(target) if {
	target.exists == true
	_readable(target)
}
