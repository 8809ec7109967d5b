-- Loaded by every scenario: the API token and ids come from the environment
-- (bench/run.sh sets them), and done() prints the JSON line run.sh reads.
dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/report.lua")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HQ_TOKEN")
wrk.headers["Content-Type"] = "application/json"
max_id = tonumber(os.getenv("HQ_MAX_ID") or "1000")
category = os.getenv("HQ_CATEGORY") or "1"
location = os.getenv("HQ_LOCATION") or "1"
list_path = "/api/v1/workorders?scope=all&status=confirmed&category_id=" .. category ..
  "&page=1&per_page=20"
create_body = '{"category_id":' .. category .. ',"location_id":' .. location ..
  ',"title":"压测：办公室灯管不亮","description":"wrk","priority":"normal"}'

function create_request()
  return wrk.format("POST", "/api/v1/workorders", nil, create_body)
end

function get_request()
  return wrk.format("GET", "/api/v1/workorders/" .. math.random(1, max_id))
end
