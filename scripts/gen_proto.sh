#!/usr/bin/env bash
# Usage: scripts/gen_proto.sh [OUTPUT_ROOT]  (default: the repository root)
# Regenerates the Python modules for proto/fangxin/v1/*.proto into OUTPUT_ROOT/fangxin/v1/.
# Python's generated imports follow the .proto path, so the include root is proto/ and the output
# root is the repository root: proto/fangxin/v1/ledger.proto -> fangxin/v1/ledger_pb2.py.
set -euo pipefail

PYTHON="${PYTHON:-python}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root}"

cd "$root"
mkdir -p "$out/fangxin/v1"
"$PYTHON" -m grpc_tools.protoc -Iproto \
  --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" \
  proto/fangxin/v1/*.proto
