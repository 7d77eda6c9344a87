#!/usr/bin/env bash
# CI gate: the committed generated modules must be exactly what the .proto files produce, and the
# .proto files must pass `buf lint`. Exits 1 on any difference or lint finding.
set -euo pipefail

PYTHON="${PYTHON:-python}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$root"
PYTHON="$PYTHON" "$root/scripts/gen_proto.sh" "$tmp"

status=0
# Only the generated files are compared; the hand-written __init__.py files are not regenerated.
for generated in "$tmp"/fangxin/v1/*; do
  committed="fangxin/v1/$(basename "$generated")"
  if ! diff -u "$committed" "$generated"; then
    echo "check_proto: $committed is stale; run scripts/gen_proto.sh" >&2
    status=1
  fi
done
# A generated module whose .proto was deleted is stale too.
for committed in fangxin/v1/*_pb2.py fangxin/v1/*_pb2.pyi fangxin/v1/*_pb2_grpc.py; do
  [ -e "$committed" ] || continue
  if [ ! -e "$tmp/$committed" ]; then
    echo "check_proto: $committed has no .proto; delete it" >&2
    status=1
  fi
done

if ! buf lint; then
  echo "check_proto: buf lint failed" >&2
  status=1
fi
# The v1 contract only grows: compare with the previous commit (FILE rules in buf.yaml), when
# the clone has one that holds the protos.
base="${BUF_BREAKING_AGAINST:-HEAD~1}"
if git rev-parse -q --verify "$base^{commit}" >/dev/null &&
  git cat-file -e "$base:proto/fangxin/v1/ledger.proto" 2>/dev/null; then
  if ! buf breaking proto --against ".git#ref=$base,subdir=proto"; then
    echo "check_proto: breaking change to the API against $base" >&2
    status=1
  fi
else
  echo "check_proto: no earlier commit with protos; buf breaking skipped"
fi
exit "$status"
