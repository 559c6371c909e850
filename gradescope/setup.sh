#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (Ubuntu): Node.js 22
# from NodeSource, the C++ toolchain isolated-vm builds with, then the project's dependencies
# from the lockfile. The project is the autograder zip itself, unpacked in /autograder/source
# (gradescope/make-autograder.sh builds that zip).
set -euo pipefail

apt-get update
apt-get install -y ca-certificates curl gnupg build-essential python3
curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
apt-get install -y nodejs
node --version

cd /autograder/source
npm ci
