# METADATA
# title: Regex rule patterns
# description: |
#   Checks the pattern of a regex rule with the regex engine that will match it
#   (RE2 inside the WebAssembly policy): the gateway asks before a rule is
#   stored, and again when it loads rules into the policy's data.
#
#   input: {pattern}
package mlgate.rules

import data.mlgate.permissions

default _valid := false

_valid if {
	is_string(input.pattern)
	regex.is_valid(input.pattern)
	regex.is_valid(permissions.anchored(input.pattern))
}

# METADATA
# description: Whether input.pattern compiles, alone and anchored as rules are matched.
# entrypoint: true
pattern_check := {"valid": _valid}
