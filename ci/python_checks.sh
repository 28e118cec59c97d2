#!/usr/bin/env bash
# API checks of a built sluicegate binary from the client side, in Python:
#   1. flows through a client generated from our spec (openapi/sluicegate.json): Flink's routes, then Kyuubi's,
#   2. the same flow through a client generated from Flink's published v2 spec, on /v2,
#   2b. Livy's own clients (pylivy, sparkmagic's livyclientlib) against /livy,
#   3. schemathesis fuzzing of every operation of our spec, then a health re-check.
# Usage: ci/python_checks.sh PATH/TO/sluicegate
# Every step runs even if an earlier one failed (one CI run shows every problem);
# the exit code is non-zero if any step failed.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # keep __pycache__ out of ci/

[ $# -eq 1 ] && [ -x "$1" ] || { echo "usage: $0 PATH/TO/sluicegate" >&2; exit 2; }
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv="${CARGO_TARGET_DIR:-$HOME/.cache/sluicegate/target}/py-venv"
work=$(mktemp -d)
gateway_pid=""

cleanup() {
  if [ -n "$gateway_pid" ]; then
    kill "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# A signal exits through the EXIT trap too (once the running step returns), so the
# gateway never outlives the script.
trap 'exit 130' INT
trap 'exit 143' TERM

summary=()
failed=0
passed_steps=0
failed_steps=0
# run_step NAME FUNCTION: runs FUNCTION in a subshell with errexit in force, times it and
# records one summary line. It always returns 0: calling it under `if` or `||` would
# switch errexit off inside FUNCTION too (bash ignores -e in such contexts).
run_step() {
  local name=$1 start rc line
  start=$(date +%s)
  echo "== $name"
  set +e
  (set -euo pipefail; "$2")
  rc=$?
  set -e
  line=$(printf '%-4s %-34s %4ss' "$([ $rc -eq 0 ] && echo PASS || echo FAIL)" "$name" "$(($(date +%s) - start))")
  echo "$line"
  summary+=("$line")
  if [ $rc -eq 0 ]; then passed_steps=$((passed_steps + 1)); else failed=1; failed_steps=$((failed_steps + 1)); fi
}

# Venvs are kept between runs (building them takes ~30 s to 2 min and the network) and
# rebuilt when their requirements file changes.
venv_for() {
  local dir=$1 requirements=$2 stamp="$1/.requirements.sha256" want
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "reusing $dir"
    return
  fi
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
}

setup_venv() { venv_for "$venv" "$here/requirements.txt"; }

# The real Livy clients (pylivy, sparkmagic) pull in pandas and Jupyter: a venv of their own.
livy_venv="${CARGO_TARGET_DIR:-$HOME/.cache/sluicegate/target}/py-livy-venv"
setup_livy_venv() { venv_for "$livy_venv" "$here/requirements-livy.txt"; }

# Livy's own clients, unchanged, against /livy; batch scripts go under the gateway's data root.
flow_livy_clients() {
  "$livy_venv/bin/python" "$here/flow_pylivy.py" "$base/livy" "$work/data"
  "$livy_venv/bin/python" "$here/flow_sparkmagic.py" "$base/livy"
}

start_gateway() {
  # --port 0: the kernel picks a free loopback port; the gateway logs it as addr=127.0.0.1:PORT.
  mkdir -p "$work/data"
  "$bin" --port 0 --bind-address 127.0.0.1 --log info --data-root "$work/data" --state-dir "$work/state" > "$work/gateway.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 300); do
    port=$(grep -ao 'addr=127\.0\.0\.1:[0-9]*' "$work/gateway.log" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.log"; return 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "gateway printed no address"; cat "$work/gateway.log"; return 1; }
  base="http://127.0.0.1:$port"
  echo "gateway pid $gateway_pid at $base"
}

# generate_client SPEC OUTDIR PROJECT [CONFIG]: generate and pip-install a client. The
# previous run's install is removed first so that a failed generation cannot leave
# a stale client behind for the flow to pass with; --fail-on-warning because the
# generator drops (with only a warning) every schema it cannot process.
generate_client() {
  local spec=$1 out=$2 project=$3 config=${4:-}
  "$venv/bin/pip" uninstall --quiet --yes "$project" 2>/dev/null || true
  # PATH: the generator runs ruff (a dependency in the venv) over its output.
  PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path "$spec" --output-path "$out" \
    --meta setup --fail-on-warning ${config:+--config "$config"}
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation "$out"
}

flow_ours() {
  generate_client "$root/openapi/sluicegate.json" "$work/ours" sluicegate-client
  "$venv/bin/python" "$here/flow_generated_client.py" "$base"
  "$venv/bin/python" "$here/flow_kyuubi_client.py" "$base"
  "$venv/bin/python" "$here/flow_livy_generated.py" "$base"
}

# Flink's published v2 YAML (a copy in ci/, or $FLINK_V2_SPEC) has no servers and unprefixed
# paths: the /v2 prefix goes into base_url.
flow_flink() {
  generate_client "${FLINK_V2_SPEC:-$here/flink_rest_v2_sql_gateway.yml}" "$work/flink" flink-v2-client \
    "$here/flink_v2_client_config.yml"
  "$venv/bin/python" "$here/flow_flink_v2_client.py" "$base/v2"
}

fuzz() {
  # --max-examples bounds the cases per operation; `timeout` is the hard time box
  # (about 5–8 min are needed: most of it is schemathesis generating cases, not the gateway).
  # fuzz_hooks.py swaps in live session/operation handles (see there).
  # --workers 1: with worker threads, Python 3.11's ast.parse (which hypothesis calls to
  # describe strategies) races and raises a spurious "SystemError: AST constructor
  # recursion depth mismatch" (CPython gh-106905), failing the run without a finding.
  (cd "$work" && SCHEMATHESIS_HOOKS="$here/fuzz_hooks.py" SG_BASE_URL="$base" timeout 900 \
    "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$root/openapi/sluicegate.json" \
      --url "$base" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --max-examples 300 --workers 1 --request-timeout 10 --generation-database none --no-color)
}

# After fuzzing, the gateway must still be alive and serve a whole flow. The Flink-spec
# flow is used because it does not depend on our spec generating a working client.
# A panicking task can still leave every response well-formed (the request that
# triggered it got its 200 first), so the log is searched for panics too.
health() {
  kill -0 "$gateway_pid" 2>/dev/null || { echo "gateway died"; tail -50 "$work/gateway.log"; return 1; }
  "$venv/bin/python" "$here/flow_flink_v2_client.py" "$base/v2"
  if grep -aq 'panicked at' "$work/gateway.log"; then
    echo "the gateway panicked during the run; panics by place, then the first one in full:"
    grep -a 'panicked at' "$work/gateway.log" | sed 's/.*panicked at /panicked at /' | sort | uniq -c
    grep -a -m1 -A1 'panicked at' "$work/gateway.log"
    return 1
  fi
}

run_step "python venv" setup_venv
[ $failed -eq 0 ] || { echo "python-checks: 0 passed, 1 failed"; exit 1; }
run_step "python venv (Livy clients)" setup_livy_venv
start_gateway
run_step "generated client (ours)" flow_ours
run_step "generated client (Flink v2 spec)" flow_flink
run_step "Livy clients (pylivy, sparkmagic)" flow_livy_clients
run_step "fuzz (schemathesis)" fuzz
run_step "gateway healthy after fuzz" health

echo "== python checks summary"
printf '%s\n' "${summary[@]}"
echo "python-checks: $passed_steps passed, $failed_steps failed"
if [ $failed -ne 0 ]; then
  echo "gateway log (last 30 lines):"
  tail -30 "$work/gateway.log"
  exit 1
fi
