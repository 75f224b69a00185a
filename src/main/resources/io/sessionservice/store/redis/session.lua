-- Session Service: every write of RedisSessionStore, atomic, run by EVALSHA.
--
-- KEYS[1]  the session hash (ops insert/touch/update/delete), or a user's index (index_add, user_list,
--          user_delete)
-- ARGV[1]  operation;  ARGV[2]  now in epoch ms, from the service's clock (liveness is judged by it);
-- ARGV[3]  the key prefix of user indexes in standalone Redis; "" in Redis Cluster, where a user's index
--          lives in another slot: these scripts then touch only KEYS[1] and return an index hint that
--          the service applies with op index_add.
--
-- Session hash: meta fields exp (ms), ttl (s), sliding (1/0), created (ms), user (absent: no owner),
-- seq (last data sequence number), bound (Cluster: the score this token has in its user's index);
-- data fields "d:<name>" = "<seq>:<JSON text>". The JSON text is written and read by the service only:
-- this script never decodes it, and the seq keeps the client's field order.
-- A user's index: sorted set of tokens scored by expiry (Cluster: by an upper bound of it), trimmed on
-- every write and expiring with its last member.
-- Optional user ids travel as "" (none) or "=" .. id, so that "" stays a valid user id.

local op, now, ixp = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local key = KEYS[1]
local standalone = ixp ~= ''
local CHUNK = 1000 -- arguments per HSET/HDEL: unpack() has a stack limit

local function optUser(arg)
    if arg == '' then return false end
    return string.sub(arg, 2)
end

local function int(n)
    return string.format('%d', n)
end

-- command(k, list[from..to]) in chunks; to defaults to the end of list.
local function chunked(command, k, list, from, to)
    local args = {}
    for i = from, to or #list do
        args[#args + 1] = list[i]
        if #args == CHUNK then
            redis.call(command, k, unpack(args))
            args = {}
        end
    end
    if #args > 0 then redis.call(command, k, unpack(args)) end
end

-- Adds (or raises) a token in a user's index, drops entries already past, and lets the index expire
-- with its last member.
local function indexAdd(ik, token, score)
    redis.call('ZADD', ik, 'GT', score, token)
    redis.call('ZREMRANGEBYSCORE', ik, '-inf', now)
    local top = redis.call('ZRANGE', ik, -1, -1, 'WITHSCORES')
    if top[2] then redis.call('PEXPIREAT', ik, top[2]) end
end

-- The live session's meta fields, or nil.
local function live()
    local m = redis.call('HMGET', key, 'exp', 'ttl', 'sliding', 'user', 'bound')
    if not m[1] or tonumber(m[1]) <= now then return nil end
    return { exp = tonumber(m[1]), ttl = tonumber(m[2]) * 1000, sliding = m[3] == '1', user = m[4],
             bound = tonumber(m[5] or '0') }
end

-- After a read or a write (wrote) of live session s: slides it when touched, moves it to newUser
-- when changed, sets the key's expiry after any write, keeps the index right.
-- Returns {hint user, hint score, hash}.
local function settle(s, token, wrote, touch, changed, newUser)
    local exp, user = s.exp, s.user
    if touch and s.sliding then exp = now + s.ttl end
    if changed then user = newUser end
    if exp ~= s.exp then redis.call('HSET', key, 'exp', int(exp)) end
    if changed then
        if user then redis.call('HSET', key, 'user', user) else redis.call('HDEL', key, 'user', 'bound') end
    end
    if wrote or exp ~= s.exp then redis.call('PEXPIREAT', key, int(exp)) end

    local hint, score = '', ''
    local moved = changed and user ~= s.user
    if standalone then
        if moved and s.user then redis.call('ZREM', ixp .. s.user, token) end
        if user and (moved or exp ~= s.exp) then indexAdd(ixp .. user, token, int(exp)) end
    elseif user then
        -- The index score must stay >= expiry. A sliding session's is set 3 ttl ahead and refreshed
        -- once it is less than 2 ttl ahead: at most one extra command per ttl, and one lost refresh
        -- (a crash between this script and index_add) is still covered by the previous score.
        local bound = moved and 0 or s.bound
        local due = s.sliding and bound < exp + 2 * s.ttl or bound < exp
        if due then
            bound = s.sliding and exp + 3 * s.ttl or exp
            redis.call('HSET', key, 'bound', int(bound))
            hint, score = '=' .. user, int(bound)
        end
    end
    return { hint, score, redis.call('HGETALL', key) }
end

if op == 'index_add' then
    -- ARGV[4] token, ARGV[5] score
    indexAdd(key, ARGV[4], ARGV[5])
    return 1

elseif op == 'insert' then
    -- ARGV[4] token, [5] user, [6] created, [7] exp, [8] ttl, [9] sliding, [10] bound (Cluster),
    -- [11..] data fields and values, already "d:"-named and "<seq>:"-numbered
    local token, user, exp = ARGV[4], optUser(ARGV[5]), ARGV[7]
    local old = redis.call('HMGET', key, 'exp', 'user')
    if old[1] then
        if tonumber(old[1]) > now then return 0 end
        redis.call('DEL', key)
        if standalone and old[2] then redis.call('ZREM', ixp .. old[2], token) end
    end
    redis.call('HSET', key, 'exp', exp, 'ttl', ARGV[8], 'sliding', ARGV[9], 'created', ARGV[6],
        'seq', int((#ARGV - 10) / 2))
    redis.call('PEXPIREAT', key, exp) -- at once: the key has an expiry whatever happens next
    if user then
        redis.call('HSET', key, 'user', user)
        if not standalone then redis.call('HSET', key, 'bound', ARGV[10]) end
    end
    chunked('HSET', key, ARGV, 11)
    if standalone and user then indexAdd(ixp .. user, token, exp) end
    return 1

elseif op == 'touch' then
    -- ARGV[4] token
    local s = live()
    if not s then return nil end
    return settle(s, ARGV[4], false, true, false, nil)

elseif op == 'update' then
    -- ARGV[4] token, [5] touch 1/0, [6] replace/patch, [7] user changes 1/0, [8] new user,
    -- [9] n = number of data fields to remove, [10 .. 9+n] their names,
    -- then field/value pairs to set (replace: "<seq>:"-numbered; patch: bare JSON text)
    local s = live()
    if not s then return nil end
    local removes = tonumber(ARGV[9])
    local from = 10 + removes
    if ARGV[6] == 'replace' then
        local names = {}
        for _, f in ipairs(redis.call('HKEYS', key)) do
            if string.sub(f, 1, 2) == 'd:' then names[#names + 1] = f end
        end
        chunked('HDEL', key, names, 1)
        redis.call('HSET', key, 'seq', int((#ARGV - from + 1) / 2))
        chunked('HSET', key, ARGV, from)
    else
        -- a field set keeps its place (its seq); a new one goes last; then the removals, as Mutation.Patch
        for i = from, #ARGV, 2 do
            local old = redis.call('HGET', key, ARGV[i])
            local seq
            if old then
                seq = string.sub(old, 1, string.find(old, ':', 1, true) - 1)
            else
                seq = int(redis.call('HINCRBY', key, 'seq', 1))
            end
            redis.call('HSET', key, ARGV[i], seq .. ':' .. ARGV[i + 1])
        end
        chunked('HDEL', key, ARGV, 10, 9 + removes)
    end
    return settle(s, ARGV[4], true, ARGV[5] == '1', ARGV[7] == '1', optUser(ARGV[8]))

elseif op == 'delete' then
    -- ARGV[4] token, [5] owner ("" = any): with an owner, only that user's session is deleted
    local m = redis.call('HMGET', key, 'exp', 'user')
    if not m[1] then return 0 end
    local owner = optUser(ARGV[5])
    if ARGV[5] ~= '' and m[2] ~= owner then return 0 end
    redis.call('DEL', key)
    if standalone and m[2] then redis.call('ZREM', ixp .. m[2], ARGV[4]) end
    if tonumber(m[1]) > now then return 1 end
    return 0

elseif op == 'user_list' or op == 'user_delete' then
    -- Standalone only. KEYS[1] the user's index, ARGV[4] session key prefix, ARGV[5] user id.
    -- user_list returns {token, hash, token, hash, ...}; user_delete the number of sessions ended.
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    local out, ended = {}, 0
    for _, token in ipairs(redis.call('ZRANGE', key, 0, -1)) do
        local sk = ARGV[4] .. token
        local m = redis.call('HMGET', sk, 'exp', 'user')
        if m[1] and tonumber(m[1]) > now and m[2] == ARGV[5] then
            if op == 'user_list' then
                out[#out + 1] = token
                out[#out + 1] = redis.call('HGETALL', sk)
            else
                redis.call('DEL', sk)
                ended = ended + 1
            end
        else
            redis.call('ZREM', key, token)
        end
    end
    if op == 'user_list' then return out end
    redis.call('DEL', key)
    return ended
end
return redis.error_reply('unknown operation ' .. tostring(op))
