#pragma once
// libpcap (Debian libpcap-dev): reading pcap and pcapng captures.
#include <pcap/pcap.h>
