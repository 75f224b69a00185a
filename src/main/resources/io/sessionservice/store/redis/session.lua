-- Session Service: every write of RedisSessionStore, atomic, run by EVALSHA.
--
-- KEYS[1]  the session hash (ops insert/touch/update/delete/rotate), or a user's index (index_add, user_page,
--          user_delete); KEYS[2] (rotate) the hash of the token the session moves to
-- ARGV[1]  operation;  ARGV[2]  now in epoch ms, from the service's clock (liveness is judged by it);
-- ARGV[3]  the key prefix of user indexes in standalone Redis; "" in Redis Cluster, where a user's index
--          lives in another slot: these scripts then touch only KEYS[1] and return an index hint that
--          the service applies with op index_add.
--
-- Session hash: meta fields exp (ms), ttl (s), sliding (1/0), created (ms), user (absent: no owner),
-- seq (last data sequence number), size (the data's DataSize: name bytes + JSON text bytes per field),
-- bound (Cluster: the expiry bound this token has in its user's index; standalone: what the index key's
-- expiry was raised to for this session), end (a capped sliding session's lifetime end, ms: no slide
-- passes it), ro (1: the read-only copy a rotation with grace leaves under the old token; every write
-- treats it as absent); data fields "d:<name>" =
-- "<seq>:<JSON text>". The JSON text is written and read by the service only: this script never
-- decodes it, and the seq keeps the client's field order.
-- A user's index: a sorted set of tokens scored by createdAt (ms), so that a user's sessions come
-- newest first (ties: token descending, Redis's order for equal scores in REV ranges) in O(log n) per
-- page. Its key's expiry is only ever raised, to the longest expiry of its members. Standalone, dead
-- entries are dropped exactly and lazily (by readers and by the cap). In Cluster the index also holds
-- a member "e:<token>" per token scored by its expiry bound - OFFSET, far below every createdAt (":"
-- is no token character): an index write drops the tokens whose bound has passed.
-- Optional user ids travel as "" (none) or "=" .. id, so that "" stays a valid user id.
-- A touch carries the touch resolution R in ms (touchResolutionSec): a sliding session's expiry moves
-- to now + ttl only when that moves it by more than min(R, ttl / 100); else nothing about it is written.

local op, now, ixp = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local key = KEYS[1]
local standalone = ixp ~= ''
local CHUNK = 1000 -- arguments per HSET/HDEL/ZREM: unpack() has a stack limit
local OFFSET = 4503599627370496 -- 2^52: Cluster's bound members sit at bound - OFFSET
local CREATED_MIN = '-2251799813685248' -- -2^51: every createdAt scores above, every bound member below

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

-- Raises key k's expiry to at least `at` (ms), never lowers it. Its current expiry is the server's
-- TIME + PTTL (the same epoch ms PEXPIREAT was given); the second of slack covers their rounding.
local function raiseExpiry(k, at)
    local pttl = redis.call('PTTL', k)
    if pttl == -2 then return end
    if pttl >= 0 then
        local t = redis.call('TIME')
        if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + pttl >= at then return end
    end
    redis.call('PEXPIREAT', k, int(at + 1000))
end

-- Bytes a stored data field counts in DataSize: its name without "d:", its value without "<seq>:".
local function storedSize(name, stored)
    return #name - 2 + #stored - string.find(stored, ':', 1, true)
end

-- The live session's meta fields, or nil.
local function live()
    local m = redis.call('HMGET', key, 'exp', 'ttl', 'sliding', 'user', 'bound', 'created', 'size', 'end', 'ro')
    if not m[1] or tonumber(m[1]) <= now or m[9] then return nil end
    return { exp = tonumber(m[1]), ttl = tonumber(m[2]) * 1000, sliding = m[3] == '1', user = m[4],
             bound = tonumber(m[5] or '0'), created = m[6], size = m[7], cap = m[8] and tonumber(m[8]) }
end

-- The session's data size: its size field, or (a session written before it was kept) the sum.
local function currentSize(s)
    if s.size then return tonumber(s.size) end
    local total, all = 0, redis.call('HGETALL', key)
    for i = 1, #all, 2 do
        if string.sub(all[i], 1, 2) == 'd:' then total = total + storedSize(all[i], all[i + 1]) end
    end
    return total
end

-- Standalone: ends the user's oldest live sessions past cap and drops dead entries (missing, expired,
-- moved). Reads the whole index only when it holds more than cap entries, so at most cap + 1 + the
-- entries moved in since: every insert keeps it there.
local function endOldestPast(ik, user, cap, sessionPrefix)
    if redis.call('ZCOUNT', ik, CREATED_MIN, '+inf') <= cap then return end
    local live, drop = 0, {}
    for _, t in ipairs(redis.call('ZRANGE', ik, '+inf', CREATED_MIN, 'BYSCORE', 'REV')) do
        local sk = sessionPrefix .. t
        local m = redis.call('HMGET', sk, 'exp', 'user')
        if m[1] and tonumber(m[1]) > now and m[2] == user then
            live = live + 1
            if live > cap then
                redis.call('DEL', sk)
                drop[#drop + 1] = t
            end
        else
            drop[#drop + 1] = t
        end
    end
    if #drop > 0 then chunked('ZREM', ik, drop, 1) end
end

-- Cluster: puts a token in its user's index at createdAt with its expiry bound, drops the tokens whose
-- bound has passed, lets the index outlive the bound. Returns the number of tokens indexed.
local function indexAddCluster(ik, token, created, bound)
    local past = redis.call('ZRANGE', ik, '-inf', int(now - OFFSET), 'BYSCORE')
    if #past > 0 then
        local drop = {}
        for _, m in ipairs(past) do
            drop[#drop + 1] = m
            drop[#drop + 1] = string.sub(m, 3)
        end
        chunked('ZREM', ik, drop, 1)
    end
    redis.call('ZADD', ik, created, token)
    redis.call('ZADD', ik, 'GT', int(tonumber(bound) - OFFSET), 'e:' .. token)
    raiseExpiry(ik, tonumber(bound))
    return redis.call('ZCOUNT', ik, CREATED_MIN, '+inf')
end

-- After a read or a write (wrote) of live session s: slides it when touched (touch: the resolution in
-- ms, or false) by more than the resolution, moves it to newUser when changed, sets the key's expiry
-- after any write, keeps the index right. Returns {hint user, hint score, hash}.
local function settle(s, token, wrote, touch, changed, newUser)
    local exp, user = s.exp, s.user
    if touch and s.sliding then
        local slid = now + s.ttl
        if s.cap and slid > s.cap then slid = math.max(s.cap, s.exp) end -- the lifetime cap
        if slid - s.exp > math.min(touch, math.floor(s.ttl / 100)) then exp = slid end
    end
    if changed then user = newUser end
    if exp ~= s.exp then redis.call('HSET', key, 'exp', int(exp)) end
    if changed then
        if user then redis.call('HSET', key, 'user', user) else redis.call('HDEL', key, 'user', 'bound') end
    end
    if wrote or exp ~= s.exp then redis.call('PEXPIREAT', key, int(exp)) end

    local hint, score = '', ''
    local moved = changed and user ~= s.user
    if standalone then
        -- bound: what the index key's expiry was last raised to for this session (never lowered).
        -- Raised only when the expiry passes it, one ttl ahead for a sliding session: once per ttl.
        if moved and s.user then redis.call('ZREM', ixp .. s.user, token) end
        if user and (moved or exp > s.bound) then
            local bound = s.sliding and exp + s.ttl or exp
            if moved then redis.call('ZADD', ixp .. user, s.created, token) end
            raiseExpiry(ixp .. user, bound)
            redis.call('HSET', key, 'bound', int(bound))
        end
    elseif user then
        -- The index bound must stay >= expiry. A sliding session's is set 3 ttl ahead and refreshed
        -- once it is less than 2 ttl ahead: at most one extra command per ttl, and one lost refresh
        -- (a crash between this script and index_add) is still covered by the previous bound.
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
    -- Cluster only. ARGV[4] token, [5] createdAt, [6] expiry bound
    return indexAddCluster(key, ARGV[4], ARGV[5], ARGV[6])

elseif op == 'insert' then
    -- ARGV[4] token, [5] user, [6] created, [7] exp, [8] ttl, [9] sliding, [10] bound (Cluster),
    -- [11] the user's cap on live sessions (standalone), [12] lifetime end (ms, "" = none),
    -- [13..] data fields and values, already "d:"-named and "<seq>:"-numbered
    local token, user, exp = ARGV[4], optUser(ARGV[5]), ARGV[7]
    local old = redis.call('HMGET', key, 'exp', 'user')
    if old[1] then
        if tonumber(old[1]) > now then return 0 end
        redis.call('DEL', key)
        if standalone and old[2] then redis.call('ZREM', ixp .. old[2], token) end
    end
    local size = 0
    for i = 13, #ARGV, 2 do size = size + storedSize(ARGV[i], ARGV[i + 1]) end
    redis.call('HSET', key, 'exp', exp, 'ttl', ARGV[8], 'sliding', ARGV[9], 'created', ARGV[6],
        'seq', int((#ARGV - 12) / 2), 'size', int(size))
    if ARGV[12] ~= '' then redis.call('HSET', key, 'end', ARGV[12]) end
    redis.call('PEXPIREAT', key, exp) -- at once: the key has an expiry whatever happens next
    local bound = ARGV[10]
    if standalone then -- the index key's expiry: one ttl past the session's for a sliding one (settle)
        bound = ARGV[9] == '1' and int(tonumber(exp) + tonumber(ARGV[8]) * 1000) or exp
    end
    if user then redis.call('HSET', key, 'user', user, 'bound', bound) end
    chunked('HSET', key, ARGV, 13)
    if standalone and user then
        local ik = ixp .. user
        redis.call('ZADD', ik, ARGV[6], token)
        raiseExpiry(ik, tonumber(bound))
        endOldestPast(ik, user, tonumber(ARGV[11]), string.sub(key, 1, #key - #token))
    end
    return 1

elseif op == 'touch' then
    -- ARGV[4] token, [5] the touch resolution (ms)
    local s = live()
    if not s then return nil end
    return settle(s, ARGV[4], false, tonumber(ARGV[5]), false, nil)

elseif op == 'update' then
    -- ARGV[4] token, [5] the touch resolution (ms), "" = no touch, [6] replace/patch, [7] user changes 1/0, [8] new user,
    -- [9] owner fixed 1/0, [10] largest data size after the write ("" = no limit),
    -- [11] n = number of data fields to remove, [12 .. 11+n] their names,
    -- then field/value pairs to set (replace: "<seq>:"-numbered; patch: bare JSON text).
    -- Refusals (nothing written, nothing slid): -1 the owner would change although fixed, -2 too large.
    local s = live()
    if not s then return nil end
    local token, changed, newUser = ARGV[4], ARGV[7] == '1', optUser(ARGV[8])
    if ARGV[9] == '1' and changed and newUser ~= s.user then return -1 end
    local limit = tonumber(ARGV[10])
    local removes = tonumber(ARGV[11])
    local from = 12 + removes
    if ARGV[6] == 'replace' then
        -- a replace without AccountId (changed = 0) keeps the current one, last (Mutation.Replace)
        local kept = not changed and redis.call('HGET', key, 'd:AccountId')
        local size, n = 0, (#ARGV - from + 1) / 2
        for i = from, #ARGV, 2 do size = size + storedSize(ARGV[i], ARGV[i + 1]) end
        if kept then size = size + storedSize('d:AccountId', kept) end
        if limit and size > limit then return -2 end
        local names = {}
        for _, f in ipairs(redis.call('HKEYS', key)) do
            if string.sub(f, 1, 2) == 'd:' then names[#names + 1] = f end
        end
        chunked('HDEL', key, names, 1)
        chunked('HSET', key, ARGV, from)
        if kept then
            n = n + 1
            redis.call('HSET', key, 'd:AccountId', int(n) .. string.sub(kept, (string.find(kept, ':', 1, true))))
        end
        redis.call('HSET', key, 'seq', int(n), 'size', int(size))
    else
        -- the size after the patch, from the old values' sizes, before anything is written
        local size, olds, setAt = currentSize(s), {}, {}
        for i = from, #ARGV, 2 do
            local old = redis.call('HGET', key, ARGV[i])
            olds[i], setAt[ARGV[i]] = old, i
            size = size + #ARGV[i] - 2 + #ARGV[i + 1]
            if old then size = size - storedSize(ARGV[i], old) end
        end
        for j = 12, 11 + removes do
            local i = setAt[ARGV[j]]
            if i then
                size = size - (#ARGV[i] - 2 + #ARGV[i + 1])
            else
                local old = redis.call('HGET', key, ARGV[j])
                if old then size = size - storedSize(ARGV[j], old) end
            end
        end
        if limit and size > limit then return -2 end
        -- a field set keeps its place (its seq); a new one goes last; then the removals, as Mutation.Patch
        for i = from, #ARGV, 2 do
            local old, seq = olds[i], nil
            if old then
                seq = string.sub(old, 1, string.find(old, ':', 1, true) - 1)
            else
                seq = int(redis.call('HINCRBY', key, 'seq', 1))
            end
            redis.call('HSET', key, ARGV[i], seq .. ':' .. ARGV[i + 1])
        end
        chunked('HDEL', key, ARGV, 12, 11 + removes)
        redis.call('HSET', key, 'size', int(size))
    end
    return settle(s, token, true, ARGV[5] ~= '' and tonumber(ARGV[5]), changed, newUser)

elseif op == 'delete' then
    -- ARGV[4] token, [5] owner ("" = any): with an owner, only that user's session is deleted
    local m = redis.call('HMGET', key, 'exp', 'user', 'ro')
    if not m[1] or m[3] then return 0 end -- a rotation's read-only copy ends by itself
    local owner = optUser(ARGV[5])
    if ARGV[5] ~= '' and m[2] ~= owner then return 0 end
    redis.call('DEL', key)
    if standalone and m[2] then redis.call('ZREM', ixp .. m[2], ARGV[4]) end
    if tonumber(m[1]) > now then return 1 end
    return 0

elseif op == 'rotate' then
    -- ARGV[4] token, [5] the new token (KEYS[2]'s; in Cluster issued into KEYS[1]'s slot), [6] until when
    -- the old token stays a read-only copy (ms; "" = it ends at once). Moves the hash (RENAME keeps its
    -- expiry and every field) and the standalone index entry; returns nil (no live session), 0 (the new
    -- token is taken: nothing changed) or {hint user, hint bound, hash} like settle: in Cluster the
    -- service puts the new token in its user's index with that bound.
    local s = live()
    if not s then return nil end
    local token, newToken, nk = ARGV[4], ARGV[5], KEYS[2]
    local taken = redis.call('HGET', nk, 'exp')
    if taken and tonumber(taken) > now then return 0 end
    redis.call('RENAME', key, nk)
    local untilMs = tonumber(ARGV[6])
    if untilMs and untilMs > now then
        local all = redis.call('HGETALL', nk)
        chunked('HSET', key, all, 1)
        local exp = math.min(s.exp, untilMs)
        redis.call('HSET', key, 'exp', int(exp), 'sliding', '0', 'ro', '1')
        redis.call('PEXPIREAT', key, int(exp))
    end
    local hint, score = '', ''
    if s.user then
        if standalone then
            redis.call('ZREM', ixp .. s.user, token)
            redis.call('ZADD', ixp .. s.user, s.created, newToken)
        else
            hint, score = '=' .. s.user, int(s.bound)
        end
    end
    return { hint, score, redis.call('HGETALL', nk) }

elseif op == 'user_page' then
    -- Standalone only. KEYS[1] the user's index, ARGV[4] session key prefix, [5] user id, [6] start
    -- (createdAt ms, inclusive), [7] skip: live sessions created exactly at the start to pass over,
    -- [8] limit. Returns {token, hash, token, hash, ...} newest first; drops the dead entries it passes
    -- and re-scores entries whose score is not their createdAt (indexes of earlier versions).
    local user, start, skip, limit = ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
    local startScore = tonumber(start)
    local out, drop, rescore = {}, {}, {}
    local found, batch = 0, math.max(1, math.min(limit + skip, 100))
    -- cursor: the last score seen (inclusive) and how many entries at it were seen: O(log n) per batch
    local at, seen = start, 0
    while found < limit do
        local page = redis.call('ZRANGE', key, at, CREATED_MIN, 'BYSCORE', 'REV', 'LIMIT', seen, batch,
            'WITHSCORES')
        for i = 1, #page, 2 do
            local t, score = page[i], page[i + 1]
            if score == at then seen = seen + 1 else at, seen = score, 1 end
            local sk = ARGV[4] .. t
            local m = redis.call('HMGET', sk, 'exp', 'user', 'created')
            if m[1] and tonumber(m[1]) > now and m[2] == user then
                if tonumber(m[3]) ~= tonumber(score) then
                    rescore[#rescore + 1] = m[3]
                    rescore[#rescore + 1] = t
                end
                if skip > 0 and tonumber(score) == startScore then
                    skip = skip - 1
                else
                    out[#out + 1] = t
                    out[#out + 1] = redis.call('HGETALL', sk)
                    found = found + 1
                    if found >= limit then break end
                end
            else
                drop[#drop + 1] = t
            end
        end
        if #page < 2 * batch then break end
    end
    if #drop > 0 then chunked('ZREM', key, drop, 1) end
    if #rescore > 0 then chunked('ZADD', key, rescore, 1) end
    return out

elseif op == 'user_delete' then
    -- Standalone only. KEYS[1] the user's index, ARGV[4] session key prefix, ARGV[5] user id.
    -- Returns the number of sessions ended.
    local ended = 0
    for _, token in ipairs(redis.call('ZRANGE', key, 0, -1)) do
        local sk = ARGV[4] .. token
        local m = redis.call('HMGET', sk, 'exp', 'user')
        if m[1] and tonumber(m[1]) > now and m[2] == ARGV[5] then
            redis.call('DEL', sk)
            ended = ended + 1
        end
    end
    redis.call('DEL', key)
    return ended
end
return redis.error_reply('unknown operation ' .. tostring(op))
