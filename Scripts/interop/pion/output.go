package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// Stdout carries nothing but JSON lines (the driver parses every line), and requests are served by
// concurrent goroutines, so every line goes through one lock and is flushed whole.
var (
	outputLock sync.Mutex
	output     = bufio.NewWriterSize(os.Stdout, 1<<16)
)

type fields map[string]interface{}

func writeLine(object fields) {
	line, err := json.Marshal(object)
	if err != nil {
		// Only a value json cannot encode gets here: report that instead of a broken line.
		line, _ = json.Marshal(fields{"event": "error", "message": fmt.Sprintf("cannot encode %v: %v", object, err)})
	}
	outputLock.Lock()
	defer outputLock.Unlock()
	output.Write(line)
	output.WriteByte('\n')
	if err := output.Flush(); err != nil {
		// Whoever read our lines is gone; nobody can drive or judge this peer any more.
		os.Exit(1)
	}
}

func emit(event string, extra fields) {
	object := fields{"event": event}
	for key, value := range extra {
		object[key] = value
	}
	writeLine(object)
}

func logf(format string, arguments ...interface{}) {
	fmt.Fprintf(os.Stderr, "pion-peer: "+format+"\n", arguments...)
}
