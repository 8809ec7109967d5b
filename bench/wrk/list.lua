dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/common.lua")
request = function() return wrk.format("GET", list_path) end
