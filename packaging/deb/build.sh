#!/usr/bin/env bash
# Builds summon_VERSION_ARCH.deb from a published summon binary with dpkg-deb (no debhelper):
#   /usr/bin/summon                                   the binary (libe_sqlite3.so beside it while publish emits one)
#   /usr/lib/summon/bin/{systemctl,journalctl,systemd-analyze,systemd-escape}
#                                                     multi-call links, outside PATH so they never shadow a real
#                                                     systemd; put the directory first on PATH to use them
#   /usr/share/bash-completion/completions/summon, /usr/share/zsh/vendor-completions/_summon
#   /usr/share/man/man1/summon.1.gz                   generated from the command tree (summon man-page)
#   /usr/share/doc/summon/examples/demo-echo/         the example units
#
# usage: packaging/deb/build.sh [--bin PATH/summon] [--out DIR]
#   --bin  the published binary (default artifacts/bin/summon, published first when missing)
#   --out  where the .deb goes (default artifacts/deb); its path is the last line printed
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$repo/artifacts/bin/summon
out=$repo/artifacts/deb
while (($#)); do
    case $1 in
        --bin) bin=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "build.sh: unknown argument '$1' (usage: build.sh [--bin PATH] [--out DIR])" >&2; exit 2 ;;
    esac
done
for tool in dpkg-deb gzip; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool not found; install dpkg and gzip" >&2; exit 1; }
done
if [[ ! -x $bin ]]; then
    [[ $bin == "$repo/artifacts/bin/summon" ]] || { echo "build.sh: $bin is not an executable; publish summon first" >&2; exit 1; }
    dotnet publish "$repo/src/Summon" -c Release -o "$repo/artifacts/bin" --nologo >&2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# "1.0.0+<commit>" from the binary itself; Debian keeps '+', the commit shortened as git shows it.
full=$("$bin" --version | head -n1)
version=${full%%+*}
if [[ $full == *+* ]]; then
    commit=${full#*+}
    version+="+${commit:0:7}"
fi
[[ $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "build.sh: '$full' from $bin --version is no package version" >&2; exit 1; }
arch=amd64   # the binary is linux-x64 (src/Summon/Summon.csproj's RuntimeIdentifier)

umask 022
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
install -D -m 0755 "$bin" "$stage/usr/bin/summon"
if [[ -f $(dirname "$bin")/libe_sqlite3.so ]]; then
    # Until SQLite is linked into the binary, the library must sit beside it (NativeAOT looks in the binary's directory).
    install -m 0644 "$(dirname "$bin")/libe_sqlite3.so" "$stage/usr/bin/libe_sqlite3.so"
fi
install -d "$stage/usr/lib/summon/bin"
for name in systemctl journalctl systemd-analyze systemd-escape; do
    ln -s ../../../bin/summon "$stage/usr/lib/summon/bin/$name"
done
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" "$stage/usr/share/man/man1"
"$bin" completion bash >"$stage/usr/share/bash-completion/completions/summon"
"$bin" completion zsh >"$stage/usr/share/zsh/vendor-completions/_summon"
"$bin" man-page | gzip -9n >"$stage/usr/share/man/man1/summon.1.gz"
install -d "$stage/usr/share/doc/summon/examples/demo-echo"
install -m 0644 "$repo"/examples/demo-echo/* "$stage/usr/share/doc/summon/examples/demo-echo/"
cat >"$stage/usr/share/doc/summon/README.Debian" <<'TEXT'
summon for Debian
-----------------

/usr/bin/summon is the whole program. The systemd names it answers to (systemctl, journalctl, systemd-analyze,
systemd-escape) are links in /usr/lib/summon/bin, outside PATH, so that they never shadow a real systemd. Where no
systemd runs (a container, WSL), put them first on PATH:

    export PATH=/usr/lib/summon/bin:$PATH

The demo-echo example units are in /usr/share/doc/summon/examples/demo-echo; `summon demo` runs them.
TEXT

install -d -m 0755 "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: summon
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-Summon developers <summon@localhost>}
Installed-Size: $size
Depends: libc6 (>= 2.36)
Section: admin
Priority: optional
Description: systemd-style socket activation that runs anywhere
 A service manager that reads systemd's own unit files, binds the sockets of
 its socket units before any service exists and starts a service on traffic.
 One NativeAOT executable; systemctl, journalctl, systemd-analyze and
 systemd-escape links are in /usr/lib/summon/bin.
CONTROL

mkdir -p "$out"
deb=$out/summon_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "$deb"
