#!/usr/bin/env bash
# Shared helpers for the ops scripts: logging, confirmation prompts, required tools.

log()  { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "${SCRIPT_NAME:-ops}" "$*" >&2; }
fail() { log "FATAL: $*"; exit 1; }

require() {
  local tool
  for tool in "$@"; do
    command -v "${tool}" >/dev/null 2>&1 || fail "missing required tool: ${tool}"
  done
}

confirm() {
  local prompt="$1"
  if [[ "${ASSUME_YES:-0}" == "1" ]]; then
    return 0
  fi
  read -r -p "${prompt} [y/N] " answer
  [[ "${answer}" =~ ^[Yy]$ ]]
}

retry() {
  local attempts="$1"; shift
  local n=1
  until "$@"; do
    (( n >= attempts )) && return 1
    log "attempt ${n}/${attempts} failed, retrying in $(( n * 5 ))s: $*"
    sleep $(( n * 5 ))
    (( n++ ))
  done
}
