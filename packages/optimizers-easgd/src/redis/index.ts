// Node only (ioredis, node:net, node:tls): `@plasticity/optimizers-easgd/redis`.
export { RedisCenterStore, DEFAULT_SHARD_FLOATS, evictionPolicySafe } from './redis-center-store.js';
export type { RedisCenterStoreOptions, RedisStoreStats, RollbackEvent } from './redis-center-store.js';
export type { RedisConnectionOptions, RedisTlsOptions } from './connection.js';
export { redisAclRules } from './acl.js';
export type { RedisRole } from './acl.js';
export { measureCenterThroughput } from './throughput.js';
export type { ThroughputFigure } from './throughput.js';
