#!/usr/bin/env bash
# Packs summon as a .NET tool into a local feed: summon.VERSION.nupkg (the package `dotnet tool install summon`
# asks for, naming the runtime-specific one) and summon.linux-x64.VERSION.nupkg (the NativeAOT executable).
#
# usage: packaging/dotnet-tool/pack.sh [--out DIR] [--no-build]
#   --out       the feed directory (default artifacts/tool-feed)
#   --no-build  take the build that `dotnet publish src/Summon -c Release` just made instead of building again
# then:  dotnet tool install -g summon --add-source DIR
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/artifacts/tool-feed
build=()
while (($#)); do
    case $1 in
        --out) out=$2; shift 2 ;;
        --no-build) build=(--no-build); shift ;;
        *) echo "pack.sh: unknown argument '$1' (usage: pack.sh [--out DIR] [--no-build])" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
# The runtime-specific package first: it publishes (NativeAOT) for linux-x64 as `dotnet publish` does.
dotnet pack "$repo/src/Summon" -c Release -r linux-x64 "${build[@]}" -o "$out" --nologo
# The top-level package has no runtime identifier (the project's default one is cleared): it only points at the
# runtime-specific packages.
dotnet pack "$repo/src/Summon" -c Release -p:RuntimeIdentifier= -o "$out" --nologo
ls "$out"/summon.*.nupkg
