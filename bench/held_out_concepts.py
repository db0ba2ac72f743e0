"""Held-out Type-4 concepts for bench/semantic.py (--concepts): jobs the semantic stage was not tuned on.

Same shape as the shared benchlib/semantic.py (each concept: independently written variants that do one job,
and decoys that use the same tools for another job). Standard library only; data, no behaviour. Written
quickly: three variants a concept (make_org uses two or three) and some units shorter than the 12 lines
``check_semantic.py`` asks for, which reports those as shape problems (the syntax checks pass).

    python bench/semantic.py --seeds 31 32 33 --work /tmp/semantic/held --concepts bench/held_out_concepts.py
"""

from __future__ import annotations


def _u(src: str) -> str:
    return src.strip("\n") + "\n"


CONCEPTS: list[dict] = [
    {
        "id": "py-sha256-file",
        "lang": "python",
        "kind": "code",
        "summary": "Compute the SHA-256 hex digest of a file without reading it into memory at once.",
        "variants": [
            _u(r'''
def file_sha256(path, block_size=65536):
    """Hex SHA-256 of a file, read in blocks."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            block = handle.read(block_size)
            if not block:
                break
            digest.update(block)
    result = digest.hexdigest()
    logger.debug("sha256 of %s is %s", path, result)
    return result
'''),
            _u(r'''
def checksum_of(filename: str) -> str:
    import hashlib
    from functools import partial

    h = hashlib.new("sha256")
    with open(filename, mode="rb") as fp:
        for chunk in iter(partial(fp.read, 1 << 20), b""):
            h.update(chunk)
    hexed = h.hexdigest()
    if len(hexed) != 64:
        raise ValueError("unexpected digest length")
    return hexed
'''),
            _u(r'''
def digest_artifact(artifact_path):
    # Let coreutils do the hashing; fall back to Python when sha256sum is missing.
    import hashlib
    import shutil
    import subprocess

    if shutil.which("sha256sum"):
        out = subprocess.run(["sha256sum", artifact_path], check=True, capture_output=True, text=True).stdout
        return out.split()[0]
    with open(artifact_path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
'''),
        ],
        "decoys": [
            _u(r'''
def cache_key_for(payload: dict, namespace: str = "v1") -> str:
    """A short, stable cache key for a JSON-able payload."""
    import hashlib

    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{namespace}:{canonical}".encode("utf-8")).hexdigest()
    key = f"{namespace}-{digest[:16]}"
    logger.debug("cache key %s", key)
    if len(key) > 40:
        raise ValueError("namespace too long")
    return key
'''),
            _u(r'''
def verify_manifest(manifest_path):
    """Check every 'digest  name' line of a SHA256SUMS file names an existing file."""
    missing = []
    with open(manifest_path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) != 2:
                continue
            expected, name = parts
            if len(expected) != 64 or not os.path.exists(name):
                missing.append(name)
    logger.info("%d entries missing from %s", len(missing), manifest_path)
    return missing
'''),
        ],
    },
    {
        "id": "py-s3-upload-dir",
        "lang": "python",
        "kind": "api_client",
        "summary": "Upload every file under a local directory to an S3 bucket prefix, keeping relative paths.",
        "variants": [
            _u(r'''
def upload_directory(local_dir, bucket, prefix=""):
    import boto3

    s3 = boto3.client("s3")
    uploaded = 0
    for root, _dirs, files in os.walk(local_dir):
        for name in files:
            full = os.path.join(root, name)
            rel = os.path.relpath(full, local_dir).replace(os.sep, "/")
            key = f"{prefix.rstrip('/')}/{rel}" if prefix else rel
            s3.upload_file(full, bucket, key)
            uploaded += 1
    logger.info("uploaded %d files to s3://%s/%s", uploaded, bucket, prefix)
    return uploaded
'''),
            _u(r'''
def publish_static_site(build_dir: str, bucket_name: str, key_prefix: str = "site") -> list:
    from pathlib import Path

    import boto3

    bucket = boto3.resource("s3").Bucket(bucket_name)
    keys = []
    base = Path(build_dir)
    for path in sorted(base.rglob("*")):
        if path.is_file():
            key = "/".join([key_prefix, path.relative_to(base).as_posix()])
            bucket.upload_file(str(path), key)
            keys.append(key)
    return keys
'''),
            _u(r'''
def sync_to_bucket(source, destination_bucket, destination_prefix):
    """Mirror a folder into S3 with the AWS CLI (only changed files are sent)."""
    import subprocess

    target = f"s3://{destination_bucket}/{destination_prefix.strip('/')}"
    cmd = ["aws", "s3", "sync", source, target, "--only-show-errors"]
    profile = os.environ.get("AWS_PROFILE")
    if profile:
        cmd += ["--profile", profile]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"aws s3 sync failed: {result.stderr.strip()}")
    return target
'''),
        ],
        "decoys": [
            _u(r'''
def download_prefix(bucket, prefix, dest_dir):
    import boto3

    s3 = boto3.client("s3")
    paginator = s3.get_paginator("list_objects_v2")
    count = 0
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            target = os.path.join(dest_dir, os.path.relpath(obj["Key"], prefix))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            s3.download_file(bucket, obj["Key"], target)
            count += 1
    return count
'''),
            _u(r'''
def delete_old_objects(bucket, prefix, keep_days=30):
    import datetime

    import boto3

    s3 = boto3.client("s3")
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=keep_days)
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    stale = [{"Key": o["Key"]} for o in listing.get("Contents", []) if o["LastModified"] < cutoff]
    if stale:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": stale})
    logger.info("deleted %d objects under %s", len(stale), prefix)
    return len(stale)
'''),
        ],
    },
    {
        "id": "sh-wait-for-postgres",
        "lang": "bash",
        "kind": "deployment",
        "summary": "Block until a PostgreSQL server accepts connections, or give up after a number of tries.",
        "variants": [
            _u(r'''
wait_for_postgres() {
  local host="${PGHOST:-localhost}" port="${PGPORT:-5432}" tries="${1:-30}"
  local n=0
  until pg_isready -h "$host" -p "$port" -q; do
    n=$((n + 1))
    if [ "$n" -ge "$tries" ]; then
      echo "postgres at $host:$port not ready after $tries tries" >&2
      return 1
    fi
    sleep 2
  done
  echo "postgres is ready"
}
'''),
            _u(r'''
db_ready() {
  attempts=0
  max_attempts=${DB_WAIT_ATTEMPTS:-20}
  while ! psql "$DATABASE_URL" -c 'select 1' >/dev/null 2>&1; do
    attempts=$((attempts + 1))
    if (( attempts > max_attempts )); then
      printf 'database never came up\n' >&2
      exit 1
    fi
    printf 'waiting for database (%d/%d)\n' "$attempts" "$max_attempts"
    sleep 1
  done
}
'''),
            _u(r'''
await_db_port() {
  # Only checks the TCP port: enough for compose stacks where the server starts quickly.
  local host=$1 port=${2:-5432} deadline=$((SECONDS + ${3:-60}))
  while (( SECONDS < deadline )); do
    if nc -z "$host" "$port" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "timed out waiting for $host:$port" >&2
  return 1
}
'''),
        ],
        "decoys": [
            _u(r'''
backup_database() {
  local out_dir="${1:-/var/backups/db}"
  local stamp
  stamp="$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$out_dir"
  pg_dump -h "${PGHOST:-localhost}" -p "${PGPORT:-5432}" -Fc "$PGDATABASE" > "$out_dir/$stamp.dump"
  find "$out_dir" -name '*.dump' -mtime +14 -delete
  echo "backup written to $out_dir/$stamp.dump"
}
'''),
            _u(r'''
ensure_database() {
  local name="$1"
  if psql "$DATABASE_URL" -tAc "select 1 from pg_database where datname='$name'" | grep -q 1; then
    echo "database $name exists"
    return 0
  fi
  psql "$DATABASE_URL" -c "create database \"$name\""
  echo "created database $name"
}
'''),
        ],
    },
    {
        "id": "sh-prune-old-files",
        "lang": "bash",
        "kind": "code",
        "summary": "Delete files in a directory older than N days (logs, backups), reporting how many went.",
        "variants": [
            _u(r'''
prune_old_logs() {
  local dir="${1:?directory}" days="${2:-7}"
  local count
  count=$(find "$dir" -type f -name '*.log*' -mtime +"$days" | wc -l)
  find "$dir" -type f -name '*.log*' -mtime +"$days" -delete
  echo "removed $count log files older than $days days from $dir"
}
'''),
            _u(r'''
cleanup_backups() {
  keep_days=${KEEP_DAYS:-30}
  cutoff=$(date -d "-${keep_days} days" +%s)
  removed=0
  for f in "$BACKUP_DIR"/*; do
    [ -f "$f" ] || continue
    if [ "$(stat -c %Y "$f")" -lt "$cutoff" ]; then
      rm -f -- "$f"
      removed=$((removed + 1))
    fi
  done
  printf 'pruned %s backups\n' "$removed"
}
'''),
            _u(r'''
expire_artifacts() {
  local root=$1 max_age_days=${2:-14}
  find "$root" -type f -mtime +"$max_age_days" -print0 |
    xargs -0 --no-run-if-empty rm -v |
    awk 'END { print NR " artifacts expired" }'
}
'''),
        ],
        "decoys": [
            _u(r'''
archive_logs() {
  local dir="${1:?directory}" dest="${2:-/var/archive}"
  local stamp
  stamp=$(date +%Y%m%d)
  mkdir -p "$dest"
  find "$dir" -type f -name '*.log' -print0 | tar --null -czf "$dest/logs-$stamp.tar.gz" -T -
  echo "archived logs to $dest/logs-$stamp.tar.gz"
}
'''),
            _u(r'''
disk_report() {
  local dir="${1:-/var/log}"
  echo "largest files under $dir:"
  find "$dir" -type f -printf '%s %p\n' | sort -rn | head -n 10 |
    awk '{ printf "%8.1f MB  %s\n", $1 / 1048576, $2 }'
  df -h "$dir" | tail -n 1
}
'''),
        ],
    },
    {
        "id": "js-parse-duration",
        "lang": "javascript",
        "kind": "code",
        "summary": "Parse a human duration like '1h30m' or '45s' into milliseconds.",
        "variants": [
            _u(r'''
function parseDuration(text) {
  const units = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let matched = '';
  for (const [part, value, unit] of text.matchAll(re)) {
    total += parseFloat(value) * units[unit];
    matched += part;
  }
  if (matched !== text.replace(/\s+/g, '')) {
    throw new Error(`invalid duration: ${text}`);
  }
  return total;
}
'''),
            _u(r'''
const toMilliseconds = (spec) => {
  const factor = { d: 864e5, h: 36e5, m: 6e4, s: 1e3 };
  let ms = 0;
  let digits = '';
  for (const ch of String(spec).trim()) {
    if (ch >= '0' && ch <= '9') {
      digits += ch;
    } else if (factor[ch] && digits) {
      ms += Number(digits) * factor[ch];
      digits = '';
    } else {
      throw new TypeError('bad duration ' + spec);
    }
  }
  return digits ? ms + Number(digits) : ms;
};
'''),
            _u(r'''
function durationMs(input, fallback = 0) {
  if (typeof input === 'number') return input;
  if (!input) return fallback;
  const pieces = input.toLowerCase().split(/(?<=[a-z])(?=\d)/);
  return pieces.reduce((sum, piece) => {
    const m = /^(\d+)(ms|sec|s|min|m|hr|h|day|d)$/.exec(piece);
    if (!m) throw new Error('cannot parse ' + piece);
    const scale = { ms: 1, sec: 1e3, s: 1e3, min: 6e4, m: 6e4, hr: 36e5, h: 36e5, day: 864e5, d: 864e5 };
    return sum + Number(m[1]) * scale[m[2]];
  }, 0);
}
'''),
        ],
        "decoys": [
            _u(r'''
function formatDuration(ms) {
  const units = [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]];
  let rest = Math.max(0, Math.round(ms));
  const parts = [];
  for (const [label, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${label}`);
      rest %= size;
    }
  }
  if (rest || parts.length === 0) parts.push(`${rest}ms`);
  return parts.join(' ');
}
'''),
            _u(r'''
function parseTimestamp(value) {
  const re = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;
  const m = re.exec(String(value));
  if (!m) {
    throw new Error(`invalid timestamp: ${value}`);
  }
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}
'''),
        ],
    },
    {
        "id": "js-build-query",
        "lang": "javascript",
        "kind": "api_client",
        "summary": "Build a URL with a query string from an object, skipping empty values and encoding the rest.",
        "variants": [
            _u(r'''
function withQuery(baseUrl, params = {}) {
  const url = new URL(baseUrl);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      value.forEach((item) => url.searchParams.append(key, String(item)));
    } else {
      url.searchParams.set(key, String(value));
    }
  }
  return url.toString();
}
'''),
            _u(r'''
const buildUrl = (path, query) => {
  const pairs = Object.keys(query || {})
    .filter((k) => query[k] != null && query[k] !== '')
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`);
  if (pairs.length === 0) {
    return path;
  }
  const joiner = path.includes('?') ? '&' : '?';
  return path + joiner + pairs.join('&');
};
'''),
            _u(r'''
function apiEndpoint(resource, filters) {
  const base = process.env.API_BASE_URL || 'https://api.example.com';
  const qs = new URLSearchParams();
  Object.entries(filters || {}).forEach(([name, val]) => {
    if (val !== undefined && val !== null && `${val}`.length > 0) {
      qs.append(name, val);
    }
  });
  const tail = qs.toString();
  return `${base.replace(/\/$/, '')}/${resource}${tail ? `?${tail}` : ''}`;
}
'''),
        ],
        "decoys": [
            _u(r'''
function parseQuery(search) {
  const out = {};
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  for (const [key, value] of params.entries()) {
    if (key in out) {
      out[key] = [].concat(out[key], value);
    } else {
      out[key] = value;
    }
  }
  return out;
}
'''),
            _u(r'''
function redactUrl(raw) {
  const url = new URL(raw);
  const secret = ['token', 'key', 'signature', 'password'];
  for (const name of [...url.searchParams.keys()]) {
    if (secret.some((s) => name.toLowerCase().includes(s))) {
      url.searchParams.set(name, 'REDACTED');
    }
  }
  url.username = '';
  url.password = '';
  return url.toString();
}
'''),
        ],
    },
]
