#!/usr/bin/env bash
# Installs ipc-hls for the systemd units in infra/samples/systemd (docs/OPERATIONS.md "Deployment"):
#   /opt/ipc-hls/lib/            every jar the services need (the launcher's jar + its runtime dependencies)
#   /opt/ipc-hls/docs/           the documentation (the units' Documentation= is docs/OPERATIONS.md)
#   /etc/systemd/system/         ipchls-credential.service, ipchls-ingest.service, ipchls-playlist.service
#   /etc/ipc-hls/                the sample configs and env files, only where no file exists yet (env files 0600)
# Run from a checkout after `./mvnw -B -DskipTests package`, as root. DESTDIR=/some/root installs below that root
# instead (packaging, tests). Then edit /etc/ipc-hls/*, `systemctl daemon-reload`, `systemctl enable --now ipchls-...`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
root="${DESTDIR:-}"

jar=$(ls "$repo"/launcher/target/launcher-*.jar 2>/dev/null | grep -v -- '-sources\|-tests' | head -1 || true)
if [ -z "$jar" ] || [ ! -d "$repo/launcher/target/lib" ]; then
  echo "install.sh: build first: ./mvnw -B -DskipTests package" >&2
  exit 1
fi

install -d -m 0755 "$root/opt/ipc-hls/lib" "$root/opt/ipc-hls/docs" "$root/etc/systemd/system" "$root/etc/ipc-hls"
rm -f "$root"/opt/ipc-hls/lib/*.jar            # an upgrade must not keep jars the new version no longer uses
install -m 0644 "$jar" "$repo"/launcher/target/lib/*.jar "$root/opt/ipc-hls/lib/"
install -m 0644 "$repo/README.md" "$root/opt/ipc-hls/README.md"
install -m 0644 "$repo"/docs/*.md "$root/opt/ipc-hls/docs/"
install -m 0644 "$here"/systemd/ipchls-*.service "$root/etc/systemd/system/"

keep() {  # keep() MODE SOURCE: copies SOURCE into /etc/ipc-hls unless the operator already has that file
  local target="$root/etc/ipc-hls/$(basename "$2")"
  if [ -e "$target" ]; then echo "install.sh: keeping $target"; else install -m "$1" "$2" "$target"; fi
}
for f in "$here"/config/*.json; do keep 0644 "$f"; done
keep 0644 "$here/systemd/ipc-hls.env"
keep 0644 "$here/systemd/logback.xml"
for f in "$here"/systemd/*-service.env; do keep 0600 "$f"; done
echo "install.sh: installed into ${root:-/}; edit $root/etc/ipc-hls/ then: systemctl daemon-reload"
