#!/bin/bash
# The crash test (crash.sh) on PostgreSQL (issue #12 item 6): two server processes on one
# database, killed at random with SIGKILL and restarted while clients write through both.
exec env CRASH_BACKEND=pg CRASH_ROUNDS="${CRASH_ROUNDS:-5}" "$(dirname "$0")/crash.sh" "$@"
