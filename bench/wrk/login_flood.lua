-- POST /v1/auth/login for BENCH_EMAIL with a different wrong password each time.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
count_responses()

local email = os.getenv("BENCH_EMAIL")
local headers = { ["Content-Type"] = "application/json" }
local sequence = 0

function request()
  sequence = sequence + 1
  local body = string.format(
    '{"email":"%s","password":"wrong-guess-%d-%d"}', email, thread_id or 0, sequence)
  return wrk.format("POST", nil, headers, body)
end
