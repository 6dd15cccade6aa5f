#!/usr/bin/env bash
# MinIO for ipc-hls (docs/OPERATIONS.md "Deployment"), with MinIO's client `mc` and an alias for the server's root user:
#   mc alias set ipchls https://minio.internal:9000 ROOT_USER ROOT_PASSWORD && ./setup.sh ipchls
# Creates the bucket and one MinIO user per service, each with only what it needs:
#   ipchls-credential  PutObject on the bucket: the ceiling of the camera keys it makes with STS AssumeRole (MinIO
#                      ignores RoleArn; a session's rights are this user's policy intersected with the session
#                      policy credential-service sends, PutObject on <bucket>/<camera prefix>/* only)
#   ipchls-ingest      GetObject (verifyObjects' HEAD) and DeleteObject (retention)
#   ipchls-playlist    GetObject (it presigns viewers' GET URLs with this key)
# Prints each user's secret once; put them into the services' env files (IPCHLS_S3_ACCESSKEYID/SECRETACCESSKEY).
set -euo pipefail
alias="${1:?usage: setup.sh MC_ALIAS [BUCKET]}"
bucket="${2:-ipchls}"
here="$(cd "$(dirname "$0")" && pwd)"

mc mb --ignore-existing "$alias/$bucket"
for svc in credential ingest playlist; do
  policy="$here/ipchls-${svc/credential/camera-upload}.json"
  [ "$svc" = credential ] || policy="$here/ipchls-$svc.json"
  sed "s/arn:aws:s3:::ipchls/arn:aws:s3:::$bucket/" "$policy" > "/tmp/ipchls-$svc-policy.json"
  mc admin policy create "$alias" "ipchls-$svc" "/tmp/ipchls-$svc-policy.json"
  rm -f "/tmp/ipchls-$svc-policy.json"
  secret=$(head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
  mc admin user add "$alias" "ipchls-$svc" "$secret"
  mc admin policy attach "$alias" "ipchls-$svc" --user "ipchls-$svc"
  echo "ipchls-$svc: IPCHLS_S3_ACCESSKEYID=ipchls-$svc IPCHLS_S3_SECRETACCESSKEY=$secret"
done
