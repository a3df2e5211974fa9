-- POST /v1/projects: a new project in BENCH_ORGANIZATION with a name no other request uses.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
count_responses()

local auth = os.getenv("BENCH_AUTH")
local organization = os.getenv("BENCH_ORGANIZATION")
local tag = os.getenv("BENCH_TAG") or "run"
local headers = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
local sequence = 0

function request()
  sequence = sequence + 1
  local body = string.format(
    '{"organization":"%s","name":"bench %s %d-%d","description":"Created under load"}',
    organization, tag, thread_id or 0, sequence)
  return wrk.format("POST", nil, headers, body)
end
