import { checkName } from './keys.js';

/** Who connects: workers read and write one center; an evaluator only reads it. */
export type RedisRole = 'worker' | 'evaluator';

// Commands a connection makes before any store call: the handshake and the client's ready check.
const HANDSHAKE = ['+hello', '+auth', '+ping', '+info', '+select'];
const READS = ['+hmget', '+hget', '+hgetall', '+exists', '+scan', '+get'];

/**
 * ACL rules (Redis 7+) for one role on one center, to follow `ACL SETUSER <user> on ><password>`:
 * a worker may touch only keys under `<center>:` (reads, the compare-and-set script, its heartbeat);
 * an evaluator may only read them. Scripts run with the caller's permissions, so the script
 * cannot reach outside the prefix either.
 */
export function redisAclRules(role: RedisRole, center: string): string[] {
  const prefix = `${checkName('center name', center)}:*`;
  const common = ['resetkeys', 'resetchannels', '-@all', ...HANDSHAKE, ...READS];
  if (role === 'evaluator') return [...common, `%R~${prefix}`];
  return [...common, '+evalsha', '+eval', '+hset', '+set', '+del', `~${prefix}`];
}
