-- bench/agencies.sh: the stats of a random period of the last year, so that most
-- requests miss the kept results (core/memo) and measure the query itself.
dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/report.lua")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HQ_TOKEN")
local now = os.time()
request = function()
  local a = now - math.random(31, 365) * 86400
  local b = a + math.random(1, 30) * 86400
  return wrk.format("GET", "/api/v1/workorders/stats?from=" .. os.date("%Y-%m-%d", a) ..
    "&to=" .. os.date("%Y-%m-%d", b) .. "&group=category")
end
