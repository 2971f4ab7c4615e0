// Filled in with the codec benchmarks.
func codecBenchmarks() {}
