-- GET with `Authorization: <BENCH_AUTH>` when set (e.g. "Bearer <token>").
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

wrk.method = "GET"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end
