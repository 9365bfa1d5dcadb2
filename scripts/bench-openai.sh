#!/usr/bin/env bash
# OpenAI-compatible endpoint benchmark: time to first byte and total time per response_format vs pcm and vs the
# WebSocket's time to first audio, interleaved in one run, then each encoder's cost per second of audio.
# Usage: scripts/bench-openai.sh [rounds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

require_java_and_maven
ensure_packages espeak-ng:espeak-ng ffmpeg:ffmpeg
exec_test_benchmark com.ervc.gateway.OpenAiSpeechBenchmark "${1:-20}"
