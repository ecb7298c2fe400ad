-- wrk script for bench/rest.sh: GET /users/ID with ID going over 1..1000 (a fixed permutation,
-- stride 919, coprime with 1000), one request string per id built once in init(), so request()
-- only picks the next one. done() prints wrk's exact counts on one line for the script to parse.
local reqs, n, i = {}, 1000, 0

function init(args)
  for k = 0, n - 1 do
    reqs[k + 1] = wrk.format("GET", "/users/" .. ((k * 919) % n + 1))
  end
end

function request()
  i = i % n + 1
  return reqs[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%.0f bytes=%.0f duration_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
