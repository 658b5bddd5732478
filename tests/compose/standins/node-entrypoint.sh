#!/bin/sh
# Stand-in for the official node image's entrypoint: a first argument that is an option or a
# script file runs under node; anything else runs as given.
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
