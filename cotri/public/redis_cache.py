"""Django's Redis cache, with one client object per connection pool instead of one per call,
that answers "not cached" rather than failing when Redis is unreachable.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis`` on
every operation, and redis-py fills ~170 response callbacks in each: about 0,1 ms, as much as the
round trip itself on the cached fiche page (ADR 0007). A ``redis.Redis`` is thread-safe and holds
no connection of its own (the pool does, and resets itself after a fork), so one can be reused.

The cache is an optimisation (ADR 0007): with Redis down, a read is a miss, a write is dropped,
and the page is built from the database. The outage is logged once (a warning), and its end once.
"""

from __future__ import annotations

import functools
import logging

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(index)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


logger = logging.getLogger("cotri.cache")


def _tolerant(method, default):
    """``method``, answering ``default(*args, **kwargs)`` and logging the outage once when
    Redis fails."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            result = method(self, *args, **kwargs)
        except redis.RedisError as error:
            if not self._down:
                type(self)._down = True
                logger.warning(
                    "Cache Redis injoignable (%s) : les pages sont construites sans cache "
                    "jusqu'à son retour.",
                    error,
                )
            return default(*args, **kwargs)
        if self._down:
            type(self)._down = False
            logger.warning("Cache Redis de nouveau joignable.")
        return result

    return wrapper


class RedisCache(DjangoRedisCache):
    _down = False  # per process: the outage is logged once, not once per request

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    get = _tolerant(DjangoRedisCache.get, lambda key, default=None, version=None: default)
    get_many = _tolerant(DjangoRedisCache.get_many, lambda *a, **k: {})
    set = _tolerant(DjangoRedisCache.set, lambda *a, **k: None)
    set_many = _tolerant(DjangoRedisCache.set_many, lambda *a, **k: [])
    add = _tolerant(DjangoRedisCache.add, lambda *a, **k: False)
    touch = _tolerant(DjangoRedisCache.touch, lambda *a, **k: False)
    delete = _tolerant(DjangoRedisCache.delete, lambda *a, **k: False)
    delete_many = _tolerant(DjangoRedisCache.delete_many, lambda *a, **k: None)
    has_key = _tolerant(DjangoRedisCache.has_key, lambda *a, **k: False)
