#!/usr/bin/env bash
# Builds local sandbox images from the host's own toolchains, for machines with no image registry.
# On a machine with a registry you would instead pull images and set crucible.sandbox.images /
# --image (any image with the language's toolchain works: the sandbox worker brings its own Python).
# Idempotent: skips images that already exist with the current recipe.
#   DOCKER_HOST=... scripts/build-images.sh [python] [python-sci javascript typescript java cpp go rust node-only | all]
#
# python     → crucible-python:local   (~50 MB: Debian's python3.11 and its libraries)
# python-sci → crucible-python-sci:local (the same plus Debian's numpy, scipy, pandas, sympy, networkx,
#              scikit-learn and their dependencies)
# the others → crucible-polyglot:local (~2.5 GB: python3 for the worker, node + esbuild, OpenJDK 17,
#              g++ + libssl + boost headers, Go 1.19 + testify, Rust (rustup's stable) + prebuilt rand (0.4's API)/regex/md5),
#              tagged crucible-<language>:local for each language. Missing Debian packages are
#              installed when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
want=${*:-python}
[[ $want == all ]] && want="python python-sci javascript typescript java cpp go rust node-only"
# Bump when an image's recipe changes, so stale local images get rebuilt.
RECIPE=8
have() { [[ $(docker image inspect -f '{{index .Config.Labels "crucible.recipe"}}' "$1" 2>/dev/null) == "$RECIPE" ]]; }

copy_with_libs() { # copy_with_libs ROOT BINARY [DEST]
  local root=$1 bin=$2 dest=${3:-$2}
  mkdir -p "$root$(dirname "$dest")"; cp -L "$bin" "$root$dest"
  for l in $(ldd "$bin" | grep -o '/[^ ]*'); do mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; done
}

python_rootfs() { # python_rootfs ROOT: Debian's python3.11 and its standard library
  local root=$1
  # Debian's interpreter (the python3 on PATH may be a pyenv build with other library paths).
  local py=/usr/bin/python3.11; [[ -x $py ]] || { echo "need /usr/bin/python3.11 (apt-get install python3.11)" >&2; exit 1; }
  mkdir -p "$root/tmp" "$root/usr/lib"; chmod 1777 "$root/tmp"
  copy_with_libs "$root" "$py" /usr/bin/python3
  ln -s python3 "$root/usr/bin/python"
  cp -a /usr/lib/python3.11 "$root/usr/lib/"
  rm -rf "$root/usr/lib/python3.11/test" "$root/usr/lib/python3.11/idlelib" "$root/usr/lib/python3.11/tkinter"
  # The standard library only: Debian puts version-specific parts of third-party packages here too
  # (python3-numpy: dist-packages/numpy/core), which in a plain image made `numpy` an empty namespace
  # package that imports without error and has nothing in it.
  rm -rf "$root/usr/lib/python3.11/dist-packages" "$root/usr/lib/python3.11/site-packages"
  find "$root/usr/lib/python3.11" -name __pycache__ -prune -exec rm -rf {} +
  # Extension modules' own libraries (libffi for ctypes, which the sandbox worker uses to make
  # itself non-dumpable; libssl, libsqlite3, …).
  so_libs "$root" "$root"/usr/lib/python3.11/lib-dynload/*.so
}

so_libs() { # so_libs ROOT SO...: copies the shared libraries each SO needs (ldd) into ROOT
  local root=$1; shift
  for so in "$@"; do
    for l in $(ldd "$so" 2>/dev/null | grep -o '/[^ ]*'); do
      [[ -e $root$l ]] || { mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"; }
    done
  done
}

build_python() {
  local img=crucible-python:local
  have $img && { echo "$img exists"; return; }
  local root; root=$(mktemp -d)
  python_rootfs "$root"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/bin:/bin' -c 'WORKDIR /tmp' -c "LABEL crucible.recipe=$RECIPE" - $img >/dev/null
  rm -rf "$root"; echo "built $img"
}

# The Python image plus Debian's scientific packages, for completions that import them (numpy, scipy,
# pandas, sympy, networkx, scikit-learn and what they depend on: mpmath, dateutil, pytz, joblib, …).
SCI_PACKAGES="python3-numpy python3-scipy python3-pandas python3-sympy python3-networkx python3-sklearn"
build_python_sci() {
  local img=crucible-python-sci:local
  have $img && { echo "$img exists"; return; }
  local missing=() p
  for p in $SCI_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    [[ $(id -u) -eq 0 ]] || { echo "missing Debian packages: ${missing[*]} (install them, or run as root)" >&2; exit 1; }
    echo "installing ${missing[*]} …" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The packages and the python3-* packages they depend on, transitively (only what is installed).
  local todo=($SCI_PACKAGES) seen=" " d
  while [[ ${#todo[@]} -gt 0 ]]; do
    p=${todo[0]}; todo=("${todo[@]:1}")
    [[ $seen == *" $p "* ]] && continue
    seen+="$p "
    for d in $(dpkg-query -W -f='${Depends},${Pre-Depends}' "$p" | tr ',|' '\n\n' | awk '{print $1}' | sed 's/:any$//'); do
      if [[ $d == python3-* ]] && dpkg -s "$d" >/dev/null 2>&1; then todo+=("$d"); fi
    done
  done
  local root; root=$(mktemp -d)
  python_rootfs "$root"
  # Their files under /usr/lib/python3 and python3.11 (dist-packages), then the shared libraries of every extension
  # module (OpenBLAS, LAPACK, gfortran, …), with a loader cache for the libraries outside the default
  # paths (BLAS is chosen through /etc/alternatives: openblas-pthread/).
  # shellcheck disable=SC2086
  dpkg -L $seen | grep -E '^/usr/lib/python3(\.11)?/' | sed 's,^/,,' | tar -C / -c --no-recursion -T - | tar -C "$root" -x
  # Bytecode, compiled here: a sample's file system is read-only, and compiling numpy, pandas and what
  # they import from source would cost every sample seconds.
  /usr/bin/python3.11 -m compileall -q -j0 -s "$root" -p / "$root/usr/lib/python3.11" "$root/usr/lib/python3" >/dev/null || true
  mapfile -t sos < <(find "$root/usr/lib/python3" -name '*.so*' -type f)
  so_libs "$root" "${sos[@]}"
  mkdir -p "$root/etc"; cp -a /etc/ld.so.conf /etc/ld.so.conf.d "$root/etc/"; ldconfig -r "$root"
  # Zone data for pandas / dateutil / pytz (Debian's pytz reads the system's).
  mkdir -p "$root/usr/share"; cp -a /usr/share/zoneinfo "$root/usr/share/"
  # One BLAS / OpenMP thread: a sample has one CPU, and OpenBLAS's per-core threads and buffers would
  # not fit a sample's address-space and process limits (the worker keeps these from the image's env).
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/bin:/bin' \
      -c 'ENV OPENBLAS_NUM_THREADS=1' -c 'ENV OMP_NUM_THREADS=1' -c 'ENV MKL_NUM_THREADS=1' \
      -c 'WORKDIR /tmp' -c "LABEL crucible.recipe=$RECIPE" - $img >/dev/null
  rm -rf "$root"; echo "built $img"
}

# An image with Node.js and nothing else, no python3 (like node:20-slim): the tests run JavaScript in it
# to show that the sandbox worker brings its own runtime (src/server/sandboxes/runtime.ts).
build_node_only() {
  local img=crucible-node-only:local
  have $img && { echo "$img exists"; return; }
  local node; node=$(readlink -f "$(command -v node)")
  local root; root=$(mktemp -d); mkdir -p "$root/tmp"; chmod 1777 "$root/tmp"
  copy_with_libs "$root" "$node" /usr/bin/node
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/bin:/bin' -c 'WORKDIR /tmp' -c "LABEL crucible.recipe=$RECIPE" - $img >/dev/null
  rm -rf "$root"; echo "built $img"
}

ensure_packages() { # installs the Debian packages the polyglot image copies from, when missing
  local missing=()
  for p in python3.11 openjdk-17-jdk-headless g++ libssl-dev libboost-dev golang-go golang-github-stretchr-testify-dev \
           librust-rand-dev librust-regex-dev librust-md5-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  command -v node >/dev/null || missing+=(nodejs)
  [[ ${#missing[@]} -eq 0 ]] && return
  [[ $(id -u) -eq 0 ]] || { echo "missing Debian packages: ${missing[*]} (install them, or run as root)" >&2; exit 1; }
  echo "installing ${missing[*]} …" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  if ! command -v rustc >/dev/null; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc cargo >/dev/null; fi
}

build_polyglot() {
  local img=crucible-polyglot:local
  if ! have $img; then
    ensure_packages
    local extra work sysroot
    extra=$(mktemp -d); work=$(mktemp -d)
    mkdir -p "$extra/tmp" "$extra/opt/rust-deps" "$extra/usr/local/bin" "$extra/etc"
    chmod 1777 "$extra/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n' >"$extra/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$extra/etc/group"

    # TypeScript is transpiled by esbuild (a static binary; types are stripped, not checked).
    local esb=node_modules/@esbuild/linux-x64/bin/esbuild
    [[ -x $esb ]] || { echo "need $esb (npm ci)" >&2; exit 1; }
    cp "$esb" "$extra/usr/local/bin/esbuild"

    # Rust: HumanEval-X's declarations `use rand`, `regex` and `md5`; build those crates once, offline,
    # from Debian's vendored sources, with the very rustc that goes into the image. CodeGeeX's harness
    # pins rand = "0.4" (Rust/50's test calls gen_range(low, high)); Debian only has rand 0.8, so `rand`
    # is images/rust-rand04: rand 0.4's API as a compatibility layer over Debian's rand 0.8.
    sysroot=$(rustc --print sysroot)
    mkdir -p "$work/rs/src" "$work/rs/.cargo"
    printf '[package]\nname = "crucible-rust-deps"\nversion = "0.1.0"\nedition = "2021"\n[dependencies]\nrand = { path = "%s" }\nregex = "1"\nmd5 = "0.7"\n' \
      "$PWD/images/rust-rand04" >"$work/rs/Cargo.toml"
    echo 'fn main() {}' >"$work/rs/src/main.rs"
    printf '[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n' >"$work/rs/.cargo/config.toml"
    (cd "$work/rs" && CARGO_HOME="$work/cargo-home" RUSTC="$sysroot/bin/rustc" cargo build --offline -q --message-format=json) >"$work/rs.json"
    cp "$work"/rs/target/debug/deps/*.rlib "$extra/opt/rust-deps/"
    # Stable names for --extern. Two crates are named rand (the layer and rand 0.8 under it): take the
    # layer's artifact from cargo's own report.
    local rand04
    rand04=$(grep '"reason":"compiler-artifact"' "$work/rs.json" | grep 'rust-rand04' | grep -o '[^"]*/librand-[0-9a-f]*\.rlib' | head -1)
    [[ -n $rand04 ]] || { echo "cannot find the rand 0.4 layer's rlib" >&2; exit 1; }
    cp "$rand04" "$extra/opt/rust-deps/librand.rlib"
    for c in regex md5; do cp "$(ls "$extra"/opt/rust-deps/lib${c}-*.rlib | head -1)" "$extra/opt/rust-deps/lib${c}.rlib"; done

    # Go: a build cache seeded with the standard library and testify, copied into each sample's scratch
    # dir (a shared writable cache would let one sample poison the next).
    mkdir -p "$work/go" "$extra/opt/go-cache"
    printf 'package main\nimport (\n"testing"\n"github.com/stretchr/testify/assert"\n"math"\n"strings"\n"fmt"\n"strconv"\n"sort"\n"regexp"\n"bytes"\n"time"\n"math/rand"\n"crypto/md5"\n)\nvar _ = []interface{}{math.Abs, strings.Split, fmt.Sprint, strconv.Itoa, sort.Ints, regexp.MustCompile, bytes.Equal, time.Now, rand.Int, md5.Sum}\nfunc TestX(t *testing.T) { assert.Equal(t, 1, 1) }\n' >"$work/go/main_test.go"
    (cd "$work/go" && GOCACHE="$extra/opt/go-cache" GOPATH=/usr/share/gocode GO111MODULE=off go test -c -o /dev/null main_test.go)
    # JavaScript: one HumanEval-X problem (JavaScript/162) requires the js-md5 package; Node finds
    # /node_modules from any scratch dir.
    mkdir -p "$work/npm"
    npm install --prefix "$work/npm" --no-audit --no-fund --no-package-lock --silent js-md5@0.8.3 >/dev/null
    cp -r "$work/npm/node_modules" "$extra/node_modules"

    # C++: a precompiled header of exactly the headers every assembled program includes anyway
    # (CodeGeeX's helper list), used with -include: same semantics, half the compile time.
    mkdir -p "$extra/opt/cpp"
    printf '#include<stdlib.h>\n#include<algorithm>\n#include<math.h>\n#include<stdio.h>\n#include<vector>\n#include<string>\n#include<climits>\n#include<cstring>\n#include<iostream>\n' >"$extra/opt/cpp/crucible.h"
    g++ -std=c++17 -O1 -w -x c++-header "$extra/opt/cpp/crucible.h" -o "$extra/opt/cpp/crucible.h.gch"
    chmod -R a+rX "$extra/opt" "$extra/node_modules"

    # One layer straight from the host's own files (no copy to disk), setuid bits stripped, the
    # Docker engine's own binaries left out.
    tar -c --mode='a-s' \
      --exclude='usr/bin/docker*' --exclude='usr/bin/containerd*' --exclude='usr/bin/ctr' --exclude='usr/bin/runc' \
      --exclude='usr/bin/dnet' --exclude='usr/sbin/dockerd' --exclude='usr/lib/jvm/*/lib/src.zip' \
      -C / bin lib lib64 sbin usr/bin usr/sbin usr/lib/x86_64-linux-gnu usr/lib64 usr/lib/gcc usr/lib/jvm \
        usr/lib/go-1.19 usr/share/go-1.19/src usr/share/go-1.19/misc usr/lib/python3.11 usr/include usr/share/gocode usr/share/zoneinfo \
        etc/alternatives etc/java-17-openjdk etc/ld.so.cache etc/ld.so.conf etc/ld.so.conf.d \
      --transform="s,^${sysroot#/},opt/rust," \
      --exclude="${sysroot#/}/lib/rustlib/src" --exclude="${sysroot#/}/lib/rustlib/*/analysis" \
      -C / "${sysroot#/}/bin/rustc" "${sysroot#/}/lib" \
      -C "$extra" tmp opt usr/local node_modules etc/passwd etc/group \
    | docker import -c 'ENV PATH=/opt/rust/bin:/usr/local/bin:/usr/bin:/bin' -c 'WORKDIR /tmp' \
        -c "LABEL crucible.recipe=$RECIPE" - $img >/dev/null
    rm -rf "$extra" "$work"
    echo "built $img"
  else
    echo "$img exists"
  fi
}

# Java: the polyglot image plus javatuples (every MultiPL-E Java prompt imports org.javatuples), from
# Debian's libjavatuples-java. Rebuilt when JAVA_RECIPE or the polyglot image changes.
JAVA_RECIPE=1
build_java() {
  local img=crucible-java:local jar=/usr/share/java/javatuples.jar base ctx
  base=$(docker image inspect -f '{{.Id}}' crucible-polyglot:local)
  [[ $(docker image inspect -f '{{index .Config.Labels "crucible.java"}}' $img 2>/dev/null) == "$JAVA_RECIPE $base" ]] && { echo "$img exists"; return; }
  if [[ ! -r $jar && $EUID == 0 ]]; then apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjavatuples-java >/dev/null; fi
  [[ -r $jar ]] || { echo "need $jar (apt-get install libjavatuples-java)" >&2; exit 1; }
  ctx=$(mktemp -d); cp -L $jar "$ctx/javatuples.jar"
  printf 'FROM crucible-polyglot:local\nCOPY javatuples.jar %s\nLABEL crucible.java="%s %s"\n' $jar "$JAVA_RECIPE" "$base" >"$ctx/Dockerfile"
  docker build -q -t $img "$ctx" >/dev/null
  rm -rf "$ctx"; echo "built $img"
}

for lang in $want; do
  case $lang in
    java) build_polyglot; build_java ;;
    python) build_python ;;
    python-sci) build_python_sci ;;
    node-only) build_node_only ;;
    javascript|typescript|java|cpp|go|rust)
      build_polyglot
      docker tag crucible-polyglot:local "crucible-$lang:local" ;;
    *) echo "unknown image: $lang (python python-sci javascript typescript java cpp go rust node-only all)" >&2; exit 2 ;;
  esac
done
