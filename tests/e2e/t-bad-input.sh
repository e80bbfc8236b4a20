#!/bin/sh
# Bad input gets a clear answer and never stops the daemon: opted-out and
# landline recipients are suppressed, an unknown step code and a missing
# template key end dead, invalid params are refused by the database, and a
# good step is still delivered afterwards.
. "$(dirname "$0")/lib.sh"

setup
sql "INSERT INTO cases(case_no, court) VALUES('(2024)冀0724执1235号', 'gy');
     INSERT INTO cases(case_no, court) VALUES('(2024)冀0724执1236号', 'gy');
     INSERT INTO parties(case_id, role, name, phone, opted_out)
     VALUES(2, 'applicant', '李小红', '13912345678', 1);
     INSERT INTO parties(case_id, role, name, phone)
     VALUES(3, 'applicant', '赵小刚', '0313-1234567');" || fail "could not seed"
start_daemon

add_step ENF_DEPOSIT_FROZEN '{"amount":"1.00"}' 2;	opted_out=$LAST_STEP
add_step ENF_DEPOSIT_FROZEN '{"amount":"2.00"}' 3;	landline=$LAST_STEP
add_step NO_SUCH_STEP '{}';				unknown=$LAST_STEP
add_step ENF_DEPOSIT_FROZEN '{}';			no_amount=$LAST_STEP

# refused_params PARAMS: the database must refuse it, naming params.
refused_params() {
	if err=$(sql "INSERT INTO case_steps(case_id, step_code, occurred_at, params)
	    VALUES(1, 'ENF_DEPOSIT_FROZEN', '2024-06-01 10:00', $(sqlq "$1"));" 2>&1); then
		fail "the database accepted params $1"
	fi
	case $err in *params*) ;; *) fail "error for params $1 does not mention params: $err" ;; esac
}
refused_params '{"amount": "1.00"'
refused_params '[1, 2]'

add_step ENF_DEPOSIT_FROZEN '{"amount":"3.00"}';	good=$LAST_STEP
wait_until '[ "$(step_field "$good" state)" = sent ]' 10 ||
	fail "the good step is '$(step_field "$good" state)', want sent"

# expect STEP STATE REGEX WHAT: the step's notification ends in STATE with
# last_error matching REGEX.
expect() {
	_step=$1 _state=$2
	wait_until '[ "$(step_field "$_step" state)" = "$_state" ]' 5 ||
		fail "$4: state '$(step_field "$_step" state)', want $_state"
	step_field "$_step" last_error | grep -Eiq -- "$3" ||
		fail "$4: last_error '$(step_field "$_step" last_error)' does not match /$3/"
}
expect "$opted_out" suppressed 'opt|退订' "opted-out party"
expect "$landline" suppressed 'phone|number|mobile|号码|手机' "landline 0313-1234567"
expect "$unknown" dead 'NO_SUCH_STEP' "unknown step code"
expect "$no_amount" dead 'amount' "template key missing from params"

[ "$(gw_count)" = 1 ] || fail "$(gw_count) gateway requests, want 1 (the good step)"
daemon_alive || fail "the daemon died"
pass
