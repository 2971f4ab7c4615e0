func sdpBenchmarks() {}
