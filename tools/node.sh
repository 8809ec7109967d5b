#!/bin/sh
# Vite 8 and playwright-core need Node.js >= 20.19; Debian 12's nodejs is 18.
# When the node on PATH is older, fetch the official Node.js binary that the
# npm registry publishes as the package node-linux-<arch> into .cache/node;
# the Makefile puts its bin/ first on PATH. Nothing happens with a new node.
set -eu
pin=22.23.3
node -e 'const [a, b] = process.versions.node.split(".").map(Number);
process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' && exit 0
case "$(uname -m)" in
x86_64) arch=x64 ;;
aarch64) arch=arm64 ;;
*) echo "node.sh: Node.js >= 20.19 is needed; install it for $(uname -m)" >&2; exit 1 ;;
esac
dir=.cache/node
[ -x "$dir/node_modules/node-linux-$arch/bin/node" ] && exit 0
echo "node $(node --version) is too old for the web build: fetching node-linux-$arch@$pin from npm"
npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund \
	"node-linux-$arch@$pin"
# A stable path for the Makefile whatever the architecture.
ln -sfn "node_modules/node-linux-$arch/bin" "$dir/bin"
