-- 90/10 read/write: list pages and single orders, one create in ten.
dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/common.lua")
local n = 0
request = function()
  n = n + 1
  if n % 10 == 0 then return create_request() end
  if n % 2 == 0 then return wrk.format("GET", list_path) end
  return get_request()
end
