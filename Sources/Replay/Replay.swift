// The pcap replay checker (issue 5): flows, demultiplexing, per-packet decoding, the rule catalogue
// and reports. Built up in the files beside this one.
