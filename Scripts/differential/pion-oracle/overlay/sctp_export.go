// This file is not part of the oracle's main package: Scripts/differential/build-pion-oracle adds it to
// Debian's copy of github.com/pion/sctp with `go build -overlay`, because Pion's SCTP packet type and its
// unmarshal method are unexported. It only reads; it changes nothing of Pion's behaviour.

package sctp

// CrucibleUnmarshal runs Pion's own packet parser (packet.unmarshal: chunk framing, each chunk's
// unmarshal, then the CRC-32c check) and gives the common header and the chunk types in order.
func CrucibleUnmarshal(raw []byte) (sourcePort, destinationPort uint16, verificationTag uint32, chunkTypes []uint8, err error) {
	p := &packet{}
	if err = p.unmarshal(raw); err != nil {
		return 0, 0, 0, nil, err
	}
	// The chunks sit where unmarshal found them: walk the same offsets to read each one's type byte.
	offset := packetHeaderSize
	for _, c := range p.chunks {
		chunkTypes = append(chunkTypes, raw[offset])
		offset += chunkHeaderSize + c.valueLength() + getPadding(c.valueLength())
	}
	return p.sourcePort, p.destinationPort, p.verificationTag, chunkTypes, nil
}
