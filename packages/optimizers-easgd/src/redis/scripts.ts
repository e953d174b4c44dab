// The only server-side code: compare a version and set bytes. No arithmetic runs in Redis (element
// -wise Lua arithmetic costs 140-270 ms per MiB on Redis's single thread); clients add.

/**
 * KEYS: shard, writes record of the worker. ARGV: expected version, new bytes, worker, sequence,
 * shard index. Returns {status, previous sequence of this worker on this shard}: status 1 applied,
 * 0 version moved on (re-read and retry), 2 this token was already applied (a resent write),
 * -1 the shard does not exist.
 */
export const COMPARE_AND_SET = `
local previous = tonumber(redis.call('HGET', KEYS[2], ARGV[5]) or '-1')
if previous >= tonumber(ARGV[4]) then return {2, previous} end
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return {-1, previous} end
if version ~= ARGV[1] then return {0, previous} end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', tonumber(version) + 1, 'writer', ARGV[3] .. '#' .. ARGV[4])
redis.call('HSET', KEYS[2], ARGV[5], ARGV[4])
return {1, previous}
`;

/**
 * KEYS: meta, then every shard. ARGV: length, floats per shard, then each shard's bytes.
 * Creates the whole center in one step unless the meta key exists (first writer wins).
 */
export const INIT_CENTER = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #KEYS do
  redis.call('HSET', KEYS[i], 'data', ARGV[i + 1], 'version', 0, 'writer', 'init')
end
redis.call('HSET', KEYS[1], 'length', ARGV[1], 'shardFloats', ARGV[2], 'format', 'float32le')
return 1
`;
