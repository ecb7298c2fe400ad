-- wrk script for bench/rest.sh: POST /users with one small JSON object (role "viewer", so the
-- filtered admin page the other rows read does not change). response() counts the 201 Created
-- answers per thread; done() adds them up (created=N) for the durability check, with wrk's exact
-- counts, on one line for the script to parse.
wrk.method = "POST"
wrk.body = '{"name":"Bench User","email":"bench@example.com","role":"viewer","age":30,"active":true,"address":{"city":"Oslo"}}'
wrk.headers["Content-Type"] = "application/json"

local threads = {}
created = 0  -- global: done() reads each thread's count with thread:get("created")

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local e, n = summary.errors, 0
  for _, t in ipairs(threads) do n = n + (t:get("created") or 0) end
  io.write(string.format(
    "WRK requests=%.0f bytes=%.0f duration_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f created=%.0f\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max, n))
end
