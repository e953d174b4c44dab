import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { redisAclRules } from './acl.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');

describe('redisAclRules', () => {
  test('the README shows exactly the rules the function returns', () => {
    const line = (user: string) => readme.split('\n').find((l) => l.startsWith(`ACL SETUSER ${user} `));
    expect(line('worker-a')).toBe(
      ['ACL SETUSER worker-a on >secret', ...redisAclRules('worker', 'easgd:mnist')].join(' '),
    );
    expect(line('evaluator')).toBe(
      ['ACL SETUSER evaluator on >secret2', ...redisAclRules('evaluator', 'easgd:mnist')].join(' '),
    );
  });

  test('an evaluator gets no write command and read-only keys', () => {
    const rules = redisAclRules('evaluator', 'c1');
    expect(rules.filter((r) => ['+evalsha', '+eval', '+hset', '+set', '+del'].includes(r))).toEqual([]);
    expect(rules).toContain('%R~c1:*');
    expect(redisAclRules('worker', 'c1')).toContain('~c1:*');
    expect(() => redisAclRules('worker', 'c*')).toThrow(/letters, digits/);
  });
});
