/**
 * The Lua scripts of the Redis rate-limit store. Each runs atomically in Redis, reads the time from
 * Redis (`TIME`, so instances with skewed clocks agree) and takes one key per check, with ARGV
 * `requestId, <slotTtlMs | tokens>, kind1, limit1, kind2, limit2, …`.
 *
 * - `requests`: a GCRA cell — the key holds the theoretical arrival time (ms); a request fits while it
 *   is at most one minute ahead of now, which allows bursts up to the limit.
 * - `tokens`: the same cell, charged when a request ends; a request is admitted while any of the
 *   minute is left.
 * - `parallel`: a sorted set of request ids scored by their slot's expiry.
 */

const now = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local minute = 60000`;

/** Admits against every check or none. Returns `{1, remaining1, resetMs1, …}` or `{0, index, retryAfterMs}`. */
export const acquireScript = `${now}
local ttl = tonumber(ARGV[2])
local states = {1}
local cells = {}
for i = 1, #KEYS do
  local kind = ARGV[1 + 2 * i]
  local limit = tonumber(ARGV[2 + 2 * i])
  if kind == 'parallel' then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
    local used = redis.call('ZCARD', KEYS[i])
    if used >= limit then
      local soonest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
      return {0, i, math.max(0, tonumber(soonest[2]) - now)}
    end
    states[#states + 1] = limit - used - 1
    states[#states + 1] = 0
  else
    local interval = minute / limit
    local tat = tonumber(redis.call('GET', KEYS[i]) or now)
    if tat < now then tat = now end
    if kind == 'requests' then
      local next = tat + interval
      if next - now > minute then return {0, i, math.ceil(next - now - minute)} end
      cells[i] = next
      tat = next
    elseif tat - now >= minute then
      return {0, i, math.ceil(tat - now - minute) + 1}
    end
    states[#states + 1] = math.floor((minute - (tat - now)) / interval)
    states[#states + 1] = math.ceil(tat - now)
  end
end
for i = 1, #KEYS do
  local kind = ARGV[1 + 2 * i]
  if kind == 'parallel' then
    redis.call('ZADD', KEYS[i], now + ttl, ARGV[1])
    redis.call('PEXPIRE', KEYS[i], ttl)
  elseif cells[i] then
    redis.call('SET', KEYS[i], tostring(cells[i]), 'PX', math.ceil(cells[i] - now) + 1000)
  end
end
return states`;

/** Charges tokens to the `tokens` cells and frees the request's `parallel` slots. */
export const releaseScript = `${now}
local tokens = tonumber(ARGV[2])
for i = 1, #KEYS do
  local kind = ARGV[1 + 2 * i]
  local limit = tonumber(ARGV[2 + 2 * i])
  if kind == 'parallel' then
    redis.call('ZREM', KEYS[i], ARGV[1])
  elseif kind == 'tokens' and tokens > 0 then
    local tat = tonumber(redis.call('GET', KEYS[i]) or now)
    if tat < now then tat = now end
    local next = tat + tokens * minute / limit
    redis.call('SET', KEYS[i], tostring(next), 'PX', math.ceil(next - now) + 1000)
  end
end
return 1`;

/**
 * Shares the target quotas' minute: KEYS are targets' hashes (a field per second and kind, `<second>:r`
 * and `<second>:t`, by Redis's clock), ARGV the instance's new requests and tokens for each key in
 * turn. Adds them to the current second, drops seconds older than the minute, and returns each key's
 * `{requests, tokens}` over the minute.
 */
export const quotaExchangeScript = `local now = tonumber(redis.call('TIME')[1])
local oldest = now - 59
local result = {}
for i = 1, #KEYS do
  local requests = tonumber(ARGV[2 * i - 1])
  local tokens = tonumber(ARGV[2 * i])
  if requests > 0 then redis.call('HINCRBY', KEYS[i], now .. ':r', requests) end
  if tokens > 0 then redis.call('HINCRBY', KEYS[i], now .. ':t', tokens) end
  local fields = redis.call('HGETALL', KEYS[i])
  local usedRequests, usedTokens = 0, 0
  for j = 1, #fields, 2 do
    local name = fields[j]
    if tonumber(string.sub(name, 1, -3)) < oldest then redis.call('HDEL', KEYS[i], name)
    elseif string.sub(name, -1) == 'r' then usedRequests = usedRequests + tonumber(fields[j + 1])
    else usedTokens = usedTokens + tonumber(fields[j + 1]) end
  end
  if #fields > 0 then redis.call('EXPIRE', KEYS[i], 120) end
  result[i] = {usedRequests, usedTokens}
end
return result`;
