#!/bin/sh
# whoami shows what STS answered without obeying it: an ARN carrying a C1
# control sequence (U+009B is CSI, "clear the screen" with "2J"; XML 1.0
# allows it, unlike ESC) prints with the whole sequence replaced by '?', while
# --json keeps the exact value (JSON escapes it).
. "$CLINECFG_TOP/tests/lib.sh"
t_home
SEED="$T_HOME/seed.json"
python3 - "$CLINECFG_TOP/tests/fake_aws/seed-default.json" "$SEED" <<'PY'
import json, sys
seed = json.load(open(sys.argv[1]))
seed["users"].append({"name": "mallory", "arn": "arn:aws:iam::123456789012:user/mall\u009b2Jory",
                      "access_key_id": "AKIAFAKEMALLORY00000", "secret_access_key": "fake/mallory/SecretKey+fake/mallory/Sec",
                      "deny": []})
json.dump(seed, open(sys.argv[2], "w"))
PY
fake_aws_start --seed "$SEED"
export AWS_REGION=ap-northeast-1 AWS_ACCESS_KEY_ID=AKIAFAKEMALLORY00000 AWS_SECRET_ACCESS_KEY='fake/mallory/SecretKey+fake/mallory/Sec'
run_cc whoami
printf '%s' "$out" > "$T_HOME/out.txt"
grep -q "$(printf '\302\233')" "$T_HOME/out.txt" && fail "whoami printed the raw CSI byte sequence"
assert_contains "$T_HOME/out.txt" "arn:               arn:aws:iam::123456789012:user/mall?ory"
expect_rc 0 --json whoami
printf '%s' "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin)["arn"]; sys.exit(a != "arn:aws:iam::123456789012:user/mall\u009b2Jory")' ||
  fail "--json changed the ARN: $out"
