-- For bench/load.ts. With BENCH_PATHS (paths separated by spaces) each connection walks
-- them in turn; without, wrk sends the URL's one request, prepared once. It ends by
-- writing one JSON line with the figures the table needs.
local list = os.getenv('BENCH_PATHS')
if list and list ~= '' then
  local paths = {}
  for p in string.gmatch(list, '%S+') do paths[#paths + 1] = p end
  local n = 0
  function request()
    n = n % #paths + 1
    return wrk.format(nil, paths[n])
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"micros":%d,"p50":%.3f,"p99":%.3f,"statusErrors":%d,"socketErrors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
