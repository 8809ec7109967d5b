dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/common.lua")
local from = os.getenv("HQ_STATS_FROM") or "2026-10-01"
request = function()
  return wrk.format("GET", "/api/v1/workorders/stats?from=" .. from .. "&group=category")
end
