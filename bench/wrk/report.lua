-- Shared by every benchmark script (loaded with dofile): one JSON line on stdout at the end.
--
-- Scripts that define response() count answers per thread in the globals non2xx, s401 and
-- s429 (each thread has its own Lua state; done() adds them up). Throughput scripts leave
-- response() undefined, which keeps wrk on its fast path; wrk's own errors.status then
-- counts the answers >= 400.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

local function total(name)
  local sum = 0
  for _, thread in ipairs(threads) do
    sum = sum + (thread:get(name) or 0)
  end
  return sum
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
    '"latency_us":{"p50":%.1f,"p90":%.1f,"p99":%.1f,"max":%.1f,"mean":%.1f},' ..
    '"counted":%s,"non2xx":%d,"s401":%d,"s429":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    tostring(counting == true), total("non2xx"), total("s401"), total("s429")))
end

-- A pause before each request, for paced load (BENCH_DELAY_MS): wrk measures latency from
-- the moment a request is sent, so the pause is not counted in it.
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause and pause > 0 then
  function delay()
    return pause
  end
end

-- For the scripts that count answers.
function count_responses()
  counting = true
  non2xx, s401, s429 = 0, 0, 0
  function response(status, headers, body)
    if status < 200 or status > 299 then
      non2xx = non2xx + 1
    end
    if status == 401 then
      s401 = s401 + 1
    elseif status == 429 then
      s429 = s429 + 1
    end
  end
end
