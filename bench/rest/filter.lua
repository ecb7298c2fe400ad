-- wrk script for bench/rest.sh: the URL (a filtered page of /users, a nested list, a slice) is
-- the whole request; with no request() or response() wrk keeps its fast static-request path.
-- done() prints wrk's exact counts on one line for the script to parse.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%.0f bytes=%.0f duration_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
