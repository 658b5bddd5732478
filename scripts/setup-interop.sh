#!/usr/bin/env bash
# The second MTA for the interop tests (tests/interop/), kept out of dpkg's view.
#
# Why extract Exim rather than install it: Postfix and Exim both provide Debian's virtual
# mail-transport-agent, so apt removes one to install the other. Postfix is the one installed as a
# package (setup-system.sh): it needs its users (postfix, postdrop), its daemons under
# /usr/lib/postfix and postlogd. Exim's daemon is one self-contained binary, so
# `apt-get download exim4-daemon-light` + `dpkg-deb -x` into a private directory is enough; its
# shared libraries are ordinary packages that conflict with nothing (installed by setup-system.sh).
# exim4-base is not needed: it holds the maintenance scripts and cron jobs, none of which the tests
# run. The binary never reads the system-wide config: the tests pass their own with -C.
#
# The binary looks up its compiled-in user "Debian-exim" before anything else, so that system user
# is created the way exim4-base's postinst would (no home, no shell, no login).
#
# OpenSMTPD (the issue's "if it installs cleanly") is left out: as a package it conflicts with
# Postfix just like Exim, and extracted it cannot run from a private directory, since its spool
# (/var/spool/smtpd), control socket (/var/run/smtpd.sock), chroot and users are compiled in.
#
# Idempotent and quiet: does nothing when the extracted version matches the archive's candidate.
set -euo pipefail

DEST="${MXRAY_INTEROP_DIR:-/var/lib/mxray-interop}/exim4"
PKG=exim4-daemon-light

if ! getent passwd Debian-exim >/dev/null; then
  adduser --quiet --system --group --allow-bad-names --no-create-home --disabled-login --home /var/spool/exim4 Debian-exim
fi

version="$(apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}')"
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  apt-get update -qq
  version="$(apt-cache policy "$PKG" | awk '/Candidate:/ {print $2}')"
fi
if [ -x "$DEST/usr/sbin/exim4" ] && [ "$(cat "$DEST/.version" 2>/dev/null)" = "$version" ]; then
  exit 0
fi

echo "setup-interop: extracting $PKG $version into $DEST" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt-get download fetches as the _apt user into the current directory.
chown _apt "$work" 2>/dev/null || true
(cd "$work" && apt-get download -qq "$PKG=$version" >/dev/null)
rm -rf "$DEST"
mkdir -p "$DEST"
dpkg-deb -x "$work"/"$PKG"_*.deb "$DEST"
# A binary that cannot start (a missing library) fails here rather than in the tests; the version
# stamp is written only then, so a broken extraction is redone next time.
if ! out="$("$DEST/usr/sbin/exim4" -C /dev/null -bV 2>&1)"; then
  echo "setup-interop: the extracted Exim does not run:" >&2
  echo "$out" >&2
  exit 1
fi
echo "$version" >"$DEST/.version"
