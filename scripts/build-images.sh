#!/usr/bin/env bash
# Builds local sandbox images from the host's own toolchains, for machines with no image registry.
# On a machine with a registry you would instead pull e.g. python:3.12-slim and set
# crucible.sandbox.images / --image. Idempotent: skips images that already exist.
#   DOCKER_HOST=... scripts/build-images.sh [python]
set -euo pipefail
want=${*:-python}
# Bump when an image's recipe changes, so stale local images get rebuilt.
RECIPE=2
have() { [[ $(docker image inspect -f '{{index .Config.Labels "crucible.recipe"}}' "$1" 2>/dev/null) == "$RECIPE" ]]; }

copy_with_libs() { # copy_with_libs ROOT BINARY [DEST]
  local root=$1 bin=$2 dest=${3:-$2}
  mkdir -p "$root$(dirname "$dest")"; cp -L "$bin" "$root$dest"
  for l in $(ldd "$bin" | grep -o '/[^ ]*'); do mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; done
}

for lang in $want; do
  case $lang in
    python)
      img=crucible-python:local
      have $img && { echo "$img exists"; continue; }
      # Debian's interpreter (the python3 on PATH may be a pyenv build with other library paths).
      py=/usr/bin/python3.11; [[ -x $py ]] || { echo "need /usr/bin/python3.11 (apt-get install python3.11)" >&2; exit 1; }
      root=$(mktemp -d); mkdir -p "$root/tmp" "$root/usr/lib"; chmod 1777 "$root/tmp"
      copy_with_libs "$root" "$py" /usr/bin/python3
      ln -s python3 "$root/usr/bin/python"
      cp -a /usr/lib/python3.11 "$root/usr/lib/"
      rm -rf "$root/usr/lib/python3.11/test" "$root/usr/lib/python3.11/idlelib" "$root/usr/lib/python3.11/tkinter"
      find "$root/usr/lib/python3.11" -name __pycache__ -prune -exec rm -rf {} +
      # Extension modules' own libraries (libffi for ctypes, which the sandbox worker uses to make
      # itself non-dumpable; libssl, libsqlite3, …).
      for so in "$root"/usr/lib/python3.11/lib-dynload/*.so; do
        for l in $(ldd "$so" 2>/dev/null | grep -o '/[^ ]*'); do
          [[ -e $root$l ]] || { mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; }
        done
      done
      tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/bin:/bin' -c 'WORKDIR /tmp' -c "LABEL crucible.recipe=$RECIPE" - $img >/dev/null
      rm -rf "$root"; echo "built $img" ;;
    *) echo "unknown image: $lang" >&2; exit 2 ;;
  esac
done
