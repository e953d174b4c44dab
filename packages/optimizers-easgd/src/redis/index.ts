// Node only (ioredis, node:net, node:tls): `@plasticity/optimizers-easgd/redis`.
export { RedisCenterStore, DEFAULT_SHARD_FLOATS, evictionPolicySafe } from './redis-center-store.js';
export type { RedisCenterStoreOptions, RedisStoreStats, RollbackEvent } from './redis-center-store.js';
export type { RedisConnectionOptions, RedisTlsOptions } from './connection.js';
export { redisAclRules } from './acl.js';
export type { RedisRole } from './acl.js';
export { measureCenterThroughput } from './throughput.js';
export type { ThroughputFigure } from './throughput.js';
// For tools around a center (the CLI's run description, status reports): the same connection
// rules (TLS, credentials, clear errors) and key names as the store.
export { openRedis, explainRedisError } from './connection.js';
export { centerKeys, checkName } from './keys.js';
export type { CenterKeys } from './keys.js';
