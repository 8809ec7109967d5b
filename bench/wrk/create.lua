dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/common.lua")
request = create_request
