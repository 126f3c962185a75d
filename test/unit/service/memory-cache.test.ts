import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../../service/cache/memory.ts';

describe('the in-memory cache', () => {
  it('expires entries after their TTL', async () => {
    let now = 0;
    const cache = createMemoryCache(10, () => now);
    await cache.set('k', Buffer.from('v'), 60);
    now = 59_999;
    expect((await cache.get('k'))?.toString()).toBe('v');
    now = 60_000;
    expect(await cache.get('k')).toBeUndefined();
  });

  it('evicts the least recently used entry when full', async () => {
    const cache = createMemoryCache(2);
    await cache.set('a', Buffer.from('1'), 60);
    await cache.set('b', Buffer.from('2'), 60);
    await cache.get('a');
    await cache.set('c', Buffer.from('3'), 60);
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.toString()).toBe('1');
    expect((await cache.get('c'))?.toString()).toBe('3');
  });

  it('counts', async () => {
    const cache = createMemoryCache();
    expect(await cache.counter('g')).toBe(0);
    expect(await cache.increment('g')).toBe(1);
    expect(await cache.increment('g')).toBe(2);
    expect(await cache.counter('g')).toBe(2);
  });
});
