#!/usr/bin/env bash
# Builds the mini-program for production and uploads it as a new development version with
# WeChat's official `miniprogram-ci` (fetched by npx at upload time, so tests never install it).
# Needs: WEAPP_APPID, WEAPP_UPLOAD_KEY_FILE (the code-upload key from the mini-program admin console,
# with this machine's IP whitelisted there), TARO_APP_API_BASE (the production API, https://…/api/v1),
# and optionally WEAPP_VERSION / WEAPP_DESC.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
for v in WEAPP_APPID WEAPP_UPLOAD_KEY_FILE TARO_APP_API_BASE; do
  [ -n "${!v:-}" ] || missing+=("$v")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "upload-weapp: set ${missing[*]} (see README, \"Building and uploading the mini-program\")" >&2
  exit 2
fi
[ -f "$WEAPP_UPLOAD_KEY_FILE" ] || { echo "upload-weapp: $WEAPP_UPLOAD_KEY_FILE not found" >&2; exit 2; }
case "$TARO_APP_API_BASE" in https://*) ;; *) echo "upload-weapp: TARO_APP_API_BASE must be https:// (WeChat refuses plain http)" >&2; exit 2 ;; esac

[ -d node_modules ] || npm ci
NODE_ENV=production TARO_APP_ID="$WEAPP_APPID" npm run build:weapp -w client
npx --yes miniprogram-ci@2 upload \
  --pp client/dist/weapp \
  --pkp "$WEAPP_UPLOAD_KEY_FILE" \
  --appid "$WEAPP_APPID" \
  --uv "${WEAPP_VERSION:-$(node -p "require('./package.json').version || '0.1.0'")}" \
  --ud "${WEAPP_DESC:-Gantry $(git rev-parse --short HEAD 2>/dev/null || echo build)}" \
  -r 1 --enable-es6 true --enable-minify true
