-- wrk script for the benchmark: prints one JSON line (rps, p50, p99, errors) when done.
-- With BENCH_MODE=edit each wrk thread (one connection each) posts the inline edit form
-- of its own point, carrying the version it last saw, so every POST is a real,
-- conflict-checked, history-writing edit and conflicts only come from real races.

local mode = os.getenv("BENCH_MODE") or "get"
local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

local function words(s)
  local out = {}
  for w in string.gmatch(s or "", "%S+") do table.insert(out, w) end
  return out
end

function init(args)
  edits, conflicts, failures = 0, 0, 0
  if mode == "edit" then
    local paths = words(os.getenv("BENCH_EDIT_PATHS"))
    local versions = words(os.getenv("BENCH_EDIT_VERSIONS"))
    local i = (id % #paths) + 1
    path, version = paths[i], tonumber(versions[i])
    prefix = os.getenv("BENCH_EDIT_BODY") or ""
    field = os.getenv("BENCH_EDIT_FIELD") or "notes"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

if mode == "edit" then
  function request()
    local n = edits + conflicts + failures + 1
    local body = prefix .. "&version=" .. version .. "&summary=bench+edit+" .. n ..
      "&" .. field .. "=bench+edit+" .. n
    return wrk.format("POST", path, nil, body)
  end

  function response(status, headers, body)
    if status == 409 then
      conflicts = conflicts + 1
    elseif status >= 400 then
      failures = failures + 1
    else
      edits = edits + 1
    end
    local seen = body and string.match(body, 'name="version"[^>]-value="(%d+)"')
    if seen then
      version = tonumber(seen)
    elseif status < 400 then
      version = version + 1
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local edited, conflicted, failed = 0, 0, 0
  for _, thread in ipairs(threads) do
    edited = edited + (thread:get("edits") or 0)
    conflicted = conflicted + (thread:get("conflicts") or 0)
    failed = failed + (thread:get("failures") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}, "edits": %d, "conflicts": %d, "failures": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout, edited, conflicted, failed))
end
