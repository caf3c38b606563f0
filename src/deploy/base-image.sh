#!/usr/bin/env bash
# Builds a Java 17 base image as a Docker-format tarball (what `docker save` writes) with no registry and no Docker
# engine: a jlink runtime from this machine's JDK, the shared libraries it links (copied from this machine, as ldd
# lists them), /etc/passwd with the gateway's user, /tmp. Jib takes it as `-Djib.from.image=tar://<file>`
# (docs/DEPLOY.md "Offline"). For machines that reach no registry; elsewhere the pom's eclipse-temurin base is
# the better choice (patched libraries, a shell for debugging).
#
#   bash src/deploy/base-image.sh [OUT.tar]      (default target/base-image.tar; needs jlink, ldd, python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/base-image.tar}
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
jre=$root/opt/java/openjdk

# java.se plus what a JRE carries that the gateway or an operator uses (EC crypto, Unsafe for Netty and
# Hazelcast, JMX, JFR, DNS, jcmd)
modules=java.se,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.unsupported,jdk.management,jdk.management.agent,jdk.jfr
modules=$modules,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.charsets,jdk.localedata,jdk.jcmd
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" --strip-debug \
  --no-man-pages --no-header-files --compress=2 --output "$jre"
# Debian's JDK points cacerts at the system store; take its content (outbound TLS: webhooks, OpenID providers)
if [ -f /etc/ssl/certs/java/cacerts ]; then
  cp --remove-destination /etc/ssl/certs/java/cacerts "$jre/lib/security/cacerts"
fi

# The libraries the runtime links, from this machine. The desktop libraries (X11, sound, fonts) are left out:
# a headless server never loads them.
libs=$(
  for f in "$jre/bin/java" $(find "$jre/lib" -name '*.so' \
      ! -name 'libawt_xawt.so' ! -name 'libjawt.so' ! -name 'libjsound.so' ! -name 'libsplashscreen.so' \
      ! -name 'libfontmanager.so' ! -name 'liblcms.so' ! -name 'libjavajpeg.so'); do
    LD_LIBRARY_PATH="$jre/lib:$jre/lib/server" ldd "$f" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
  done | grep -v "^$jre" | sort -u
)
# plus what the runtime loads later: Netty's epoll library (libdl, librt, libpthread), name lookups (NSS, resolv)
gnu=/lib/x86_64-linux-gnu
for lib in $libs $gnu/libdl.so.2 $gnu/librt.so.1 $gnu/libpthread.so.0 $gnu/libresolv.so.2 $gnu/libnss_files.so.2 \
    $gnu/libnss_dns.so.2; do
  [ -e "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
  real=$(readlink -f "$lib")
  if [ "$real" != "$lib" ]; then
    mkdir -p "$root$(dirname "$real")"
    cp -L "$lib" "$root$real"
  fi
done
# the dynamic loader lives in /lib64 on x86-64 and Debian's /lib64 is a real directory
mkdir -p "$root/etc" "$root/tmp" "$root/var/lib/siteconnect" "$root/bin"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
siteconnect:x:10001:0:SiteConnect gateway:/var/lib/siteconnect:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
ln -s /opt/java/openjdk/bin/java "$root/bin/java"

python3 src/deploy/image-tar.py pack "$root" "$out" siteconnect-base:local \
  PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  JAVA_HOME=/opt/java/openjdk LANG=C.UTF-8
echo "base image: $out ($(du -h "$out" | cut -f1))"
