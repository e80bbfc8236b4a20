#!/bin/sh
# The man pages keep up with the code: huigao.conf(5) names every key of
# config/huigao.conf.example; huigaoctl(1) every command and option that
# "huigaoctl" prints in its usage; huigaod(8) every flag of huigaod's usage,
# every notification state of the schema, the signals and the exit codes.
. "$(dirname "$0")/lib.sh"

CONF5=$ROOT/man/huigao.conf.5
CTL1=$ROOT/man/huigaoctl.1
D8=$ROOT/man/huigaod.8
for p in "$CONF5" "$CTL1" "$D8"; do
	[ -f "$p" ] || fail "missing $p"
done
missing=

# 1. Config keys: every "key =" of the example (commented-out ones too),
# and the keys its comments list in tables ("#   name   REQUIRED ...").
keys=$("$PYTHON" - "$ROOT/config/huigao.conf.example" <<-'EOF'
import re, sys
keys = set()
for line in open(sys.argv[1], encoding="utf-8"):
    text = line.strip()
    body = text.lstrip("#").strip()
    for k in re.findall(r"\b([a-z_][a-z0-9_]*)\s*=(?!=)", body):
        keys.add(k)
    # a table row: an indented key (or "a / b"), then its description
    # after two spaces, or after one when the key has an underscore
    m = re.match(r"#\s{2,}([a-z_][a-z0-9_]*)(?:\s*/\s*([a-z_][a-z0-9_]*))?(\s+)\S", text)
    if m and (len(m.group(3)) >= 2 or "_" in m.group(1)):
        keys.update(k for k in m.groups()[:2] if k)
print("\n".join(sorted(keys)))
EOF
) || fail "could not read the example configuration"
nkeys=0
for k in $keys; do
	nkeys=$((nkeys + 1))
	grep -qw -- "$k" "$CONF5" || missing="$missing huigao.conf.5:$k"
done

# 2. huigaoctl: each command of its usage, and each --option.
"$HUIGAOCTL" >"$WORK/ctl-usage" 2>&1
ncmds=0
cmds=$(sed -n 's/^ *huigaoctl \(.*\)/\1/p' "$WORK/ctl-usage" | awk '{
	c = $1
	if ($2 ~ /^[a-z]+$/) c = c " " $2
	print c }' | sed 's/ /_/g' | sort -u)
[ -n "$cmds" ] || fail "no commands in huigaoctl's usage: $(cat "$WORK/ctl-usage")"
for c in $cmds; do
	ncmds=$((ncmds + 1))
	c=$(echo "$c" | tr _ ' ')
	grep -Eq "^\.(It )?Cm $c( |\$)" "$CTL1" ||
		missing="$missing huigaoctl.1:'$c'"
done
for o in $(grep -o -- '--[a-z][a-z-]*' "$WORK/ctl-usage" | sort -u); do
	grep -qF -- "Fl \\${o#-}" "$CTL1" || missing="$missing huigaoctl.1:$o"
done

# 3. huigaod: its flags, the states, the signals, the exit codes.
"$HUIGAOD" -h >"$WORK/d-usage" 2>&1
flags=$(sed -n 's/^usage: huigaod //p' "$WORK/d-usage" |
	grep -o -- '-[a-zA-Z]*' | sed 's/^-//' | fold -w1 | sort -u)
[ -n "$flags" ] || fail "no flags in huigaod's usage: $(cat "$WORK/d-usage")"
for f in $flags; do
	grep -q "^\.It Fl $f\( \|\$\)" "$D8" || missing="$missing huigaod.8:-$f"
done
states=$(cat "$ROOT"/schema/*.sql | tr '\n' ' ' | "$PYTHON" -c '
import re, sys
# the CHECK of notifications.state: state = '\''a'\'' OR state = '\''b'\'' ...
m = re.search(r"\bstate\s+TEXT NOT NULL CHECK\s*\((.*?)\),", sys.stdin.read())
print(" ".join(re.findall(r"state\s*=\s*\x27([a-z_]+)\x27", m.group(1))) if m else "")')
[ -n "$states" ] || fail "no notification states found in schema/*.sql"
for s in $states; do
	grep -q "^\.It Sy $s\$" "$D8" || missing="$missing huigaod.8:state:$s"
done
for s in SIGTERM SIGINT SIGHUP; do
	grep -qw "$s" "$D8" || missing="$missing huigaod.8:$s"
done
for x in 0 1 2 78; do
	grep -q "^\.It $x\$" "$D8" || missing="$missing huigaod.8:exit:$x"
done

[ -z "$missing" ] || fail "not documented:$missing"
note "$nkeys config keys, $ncmds commands, $(echo $flags | wc -w) flags, $(echo $states | wc -w) states"
pass
