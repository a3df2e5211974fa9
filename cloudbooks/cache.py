"""Django's Redis cache backend, without building a client and borrowing a connection per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client()` returns a new `redis.Redis`
on every call — every `cache.get`, rate-limit count and throttle increment — and each
command then borrows a connection from the pool and gives it back. Building the client
(its response-callback table, its options) costs about 100 µs of CPU, more than the round
trip it is for, and the borrowing another few dozen; the throttle pays both on every
authenticated request.

Django already keeps one cache object, and so one pool, per thread. Here each of those keeps
one client holding one connection (`single_connection_client`): per thread, exactly what a
pool of one would give, without the bookkeeping. After a fork (gunicorn's workers) the
clients are made anew, so no two processes ever share a socket.
"""

from __future__ import annotations

import os

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._pid = os.getpid()

    def get_client(self, key=None, *, write=False):
        if self._pid != os.getpid():  # forked: the parent's connections are not ours
            self._clients = {}
            self._pid = os.getpid()
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._client(connection_pool=pool, single_connection_client=True)
            self._clients[index] = client
        return client


class RedisCache(django_redis.RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with one client per pool (see above)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
