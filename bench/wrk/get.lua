dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/common.lua")
request = get_request
