package mlgate.rules_test

import data.mlgate.rules

_cases := {
	"team-a/.*": true,
	"(?i)team-[ab]/exp-[0-9]+": true,
	"a|b": true,
	"(": false,
	"a)|(b": false,
	"[z-a]": false,
	"a**": false,
}

test_pattern_check if {
	every pattern, valid in _cases {
		rules.pattern_check.valid == valid with input as {"pattern": pattern}
	}
}

test_pattern_that_is_not_a_string if {
	not rules.pattern_check.valid with input as {"pattern": 7}
}
