#!/bin/sh
# Stand-in for the official redis image's entrypoint: options alone run redis-server; redis-server
# runs as user redis in /data. The official binary is built with protected mode off (the container
# network is the boundary); Debian's is not, hence --protected-mode no.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server "$@" --protected-mode no
fi
umask 0077
exec "$@"
