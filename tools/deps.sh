#!/bin/sh
# Installs what Houqin needs from Debian (apt-get; via sudo when not root), and the
# web packages from the npm registry (pinned by web/package-lock.json, via make).
#   tools/deps.sh build   compiler, libraries, Node.js for the web build
#   tools/deps.sh test    + cmocka, libcurl, Chromium, CJK fonts, zbarimg and sqlite3, cppcheck (make lint) for the tests
#   tools/deps.sh bench   + wrk, nginx (the HTTP ceiling), sqlite3 and time for make bench
#   tools/deps.sh security + sqlmap and curl for make test-security
#   tools/deps.sh fuzz    + clang with libFuzzer and its sanitizer runtimes for make fuzz
#   tools/deps.sh lint    gcc, make and cppcheck for make lint (make test runs it)
set -eu
build="gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev zlib1g-dev libxlsxwriter-dev libqrencode-dev"
test="postgresql libcmocka-dev libcurl4-openssl-dev chromium fonts-noto-cjk curl zbar-tools sqlite3 cppcheck"
want=$build
bench="wrk nginx-light sqlite3 time python3 curl"
[ "${1:-build}" = test ] && want="$build $test"
[ "${1:-build}" = bench ] && want="$build $bench"
[ "${1:-build}" = security ] && want="$build sqlmap curl python3"
fuzz="clang libclang-rt-dev"
[ "${1:-build}" = fuzz ] && want="$build $fuzz"
[ "${1:-build}" = lint ] && want="gcc make cppcheck"
if [ "${1:-build}" != lint ]; then
	command -v node >/dev/null 2>&1 || want="$want nodejs"
	command -v npm >/dev/null 2>&1 || want="$want npm"
fi

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
