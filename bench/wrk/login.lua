-- A login flood: every request a right password of a generated user
-- (gen000001.., bench/run.sh's dataset), each one a full argon2id verify.
dofile(os.getenv("HQ_BENCH_DIR") .. "/wrk/report.lua")
wrk.headers["Content-Type"] = "application/json"
users = tonumber(os.getenv("HQ_LOGIN_USERS") or "600")
password = os.getenv("HQ_LOGIN_PASSWORD") or "Demo@2026"

function request()
  local u = string.format("gen%06d", math.random(1, users))
  return wrk.format("POST", "/api/v1/session", nil,
    '{"username":"' .. u .. '","password":"' .. password .. '"}')
end
