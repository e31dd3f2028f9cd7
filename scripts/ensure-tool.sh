#!/usr/bin/env bash
# ensure-tool.sh COMMAND DEBIAN_PACKAGE NAME
# Succeeds when COMMAND is on the PATH. Otherwise installs DEBIAN_PACKAGE when this runs as
# root on a machine with apt-get, and else stops with one sentence saying what to install.
set -u
cmd=$1 package=$2 name=$3
command -v "$cmd" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$name is missing: installing Debian's $package package." >&2
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq >/dev/null && apt-get install -y -qq "$package" >/dev/null &&
        command -v "$cmd" >/dev/null 2>&1; then
        exit 0
    fi
    echo "$name could not be installed with apt-get: install the $package package and run make again." >&2
    exit 1
fi
echo "$name is missing: install it (Debian or Ubuntu: sudo apt-get install $package; macOS: brew install $package) and run make again." >&2
exit 1
