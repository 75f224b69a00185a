-- wrk script for bench/api.sh and bench/jdbc-scale.sh: one operation of the service, cycling through pre-created sessions so a
-- run does not read one hot key over and over.
--   wrk ... -s bench/api.lua http://127.0.0.1:PORT/STORE/ -- OPERATION TOKEN_FILE X_KEY
-- OPERATION: health validate get patch post create verify latest (GET /session?user_id=). TOKEN_FILE: lines "user_id token"
-- (state-API tokens for validate/get/patch, user-API pairs for create/verify). wrk.path is the webapp's
-- base path ("/memory/"); each wrk thread runs its own copy of this script. With WRK_HISTOGRAM set, done()
-- appends the run's latencies to that file as "microseconds count" lines, so runs can be merged.

local operation, key
local keyed -- the x-key headers, built once in init: the client's own CPU competes with the server's
local users, tokens = {}, {}
local i, n = 0, 0

function init(args)
  operation, key = args[1], args[3]
  for line in io.lines(args[2]) do
    local user, token = line:match("^(%S+) (%S+)$")
    if user then
      n = n + 1
      users[n], tokens[n] = user, token
    end
  end
  if n == 0 then error("no tokens in " .. args[2]) end
  -- threads start apart, so two connections rarely hit the same session at the same moment
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  i = math.random(n)
  keyed = { ["x-key"] = key, ["content-type"] = "application/json" }
end


function request()
  i = i % n + 1
  local base, token, user = wrk.path, tokens[i], users[i]
  if operation == "health" then
    return wrk.format("GET", base .. "health")
  elseif operation == "validate" then
    return wrk.format("GET", base .. "validate", { ["x-session-token"] = token })
  elseif operation == "get" then
    return wrk.format("GET", base, { ["x-session-token"] = token })
  elseif operation == "patch" then
    return wrk.format("PATCH", base, { ["x-session-token"] = token, ["content-type"] = "application/json" },
      '{"lastPage":"/orders/' .. i .. '","visits":' .. i .. '}')
  elseif operation == "post" then
    return wrk.format("POST", base, keyed, '{"cart":{"items":' .. i .. '},"theme":"dark"}')
  elseif operation == "create" then
    return wrk.format("POST", base .. "create", keyed, '{"user_id":"' .. user .. '","ttl":"2h"}')
  elseif operation == "latest" then
    return wrk.format("GET", base .. "session?user_id=" .. user, keyed)
  elseif operation == "verify" then
    return wrk.format("POST", base .. "verify", keyed, '{"user_id":"' .. user .. '","token":"' .. token .. '"}')
  end
  error("unknown operation " .. tostring(operation))
end

function done(summary, latency, requests)
  local file = os.getenv("WRK_HISTOGRAM")
  if not file then return end
  local out = assert(io.open(file, "a"))
  for j = 1, #latency do
    local micros, count = latency(j)
    out:write(micros, " ", count, "\n")
  end
  out:close()
end
