dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/common.lua")
-- the 工作台 of the office user: every counter, my requests, notifications and figures
request = function() return wrk.format("GET", "/api/v1/workbench") end
