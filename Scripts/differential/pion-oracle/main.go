// Command pion-oracle is Crucible's differential-fuzzing oracle over Pion's codecs (issue 17): it reads
// inputs and prints, for each, Pion's verdict and a small set of canonical fields that Crucible's codecs
// compute the same way (Sources/Conformance/Differential/CanonicalFields.swift is the other half).
//
// Protocol (stdin → stdout), batch by batch:
//
//	<protocol> <hex bytes>\n     one input; protocol is stun, rtp, rtcp, sctp or sdp
//	end\n                         ends a batch: the oracle answers every input of it, in order, then flushes
//
// Each answer is one line: `accept <key=value ...>` or `reject <Pion's error text>`. Values are
// percent-escaped (every byte outside 0x21–0x7E, and '%', becomes %XX) so a line splits on spaces. A
// panic inside Pion is answered `reject panic: <value>`. The oracle reads a whole batch before it writes,
// so a caller that writes a batch and then reads never deadlocks on full pipes.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sctp"
	"github.com/pion/sdp/v3"
	"github.com/pion/stun"
)

// field is one canonical key=value pair.
type field struct{ key, value string }

func escape(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c < 0x21 || c > 0x7e || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func line(fields []field) string {
	parts := []string{"accept"}
	for _, f := range fields {
		parts = append(parts, f.key+"="+escape(f.value))
	}
	return strings.Join(parts, " ")
}

func hexList(values []uint32, width int) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%0*x", width, v)
	}
	return strings.Join(out, ",")
}

// decodeSTUN is what a Pion agent does with a datagram: stun.Message.Decode, then the getters of the
// attributes whose values Crucible's codec also checks at parse time (addresses, ERROR-CODE,
// FINGERPRINT). Text attributes, integrity and unknown attributes are left to the caller, as in Crucible.
func decodeSTUN(data []byte) ([]field, error) {
	m := &stun.Message{Raw: append([]byte(nil), data...)}
	if err := m.Decode(); err != nil {
		return nil, err
	}
	types := make([]uint32, 0, len(m.Attributes))
	for _, a := range m.Attributes {
		types = append(types, uint32(a.Type))
		var err error
		switch a.Type {
		case stun.AttrXORMappedAddress, stun.AttrXORPeerAddress, stun.AttrXORRelayedAddress:
			var addr stun.XORMappedAddress
			err = addr.GetFromAs(m, a.Type)
		case stun.AttrMappedAddress, stun.AttrAlternateServer, stun.AttrResponseOrigin, stun.AttrOtherAddress:
			var addr stun.MappedAddress
			err = addr.GetFromAs(m, a.Type)
		case stun.AttrErrorCode:
			var code stun.ErrorCodeAttribute
			err = code.GetFrom(m)
		case stun.AttrFingerprint:
			err = stun.Fingerprint.Check(m)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Type, err)
		}
	}
	return []field{
		{"type", fmt.Sprintf("%04x", m.Type.Value())},
		{"tid", hex.EncodeToString(m.TransactionID[:])},
		{"attrs", hexList(types, 4)},
	}, nil
}

func decodeRTP(data []byte) ([]field, error) {
	var p rtp.Packet
	if err := p.Unmarshal(data); err != nil {
		return nil, err
	}
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	return []field{
		{"v", strconv.Itoa(int(p.Version))},
		{"p", flag(p.Padding)},
		{"x", flag(p.Extension)},
		{"cc", strconv.Itoa(len(p.CSRC))},
		{"m", flag(p.Marker)},
		{"pt", strconv.Itoa(int(p.PayloadType))},
		{"seq", strconv.Itoa(int(p.SequenceNumber))},
		{"ts", strconv.FormatUint(uint64(p.Timestamp), 10)},
		{"ssrc", fmt.Sprintf("%08x", p.SSRC)},
		{"csrcs", hexList(p.CSRC, 8)},
		{"payload", strconv.Itoa(len(p.Payload))},
	}, nil
}

// decodeRTCP is rtcp.Unmarshal over the compound; the per-packet fields come from the same header walk
// Unmarshal makes (RFC 3550 §6.4.1: length in 32-bit words minus one).
func decodeRTCP(data []byte) ([]field, error) {
	if _, err := rtcp.Unmarshal(data); err != nil {
		return nil, err
	}
	var packets []string
	for offset := 0; offset < len(data); {
		var h rtcp.Header
		if err := h.Unmarshal(data[offset:]); err != nil {
			return nil, err
		}
		size := (int(h.Length) + 1) * 4
		packets = append(packets, fmt.Sprintf("%d:%d:%d", h.Type, h.Count, size))
		offset += size
	}
	return []field{{"packets", strings.Join(packets, ",")}}, nil
}

func decodeSCTP(data []byte) ([]field, error) {
	source, destination, tag, chunks, err := sctp.CrucibleUnmarshal(data)
	if err != nil {
		return nil, err
	}
	types := make([]uint32, len(chunks))
	for i, c := range chunks {
		types[i] = uint32(c)
	}
	return []field{
		{"src", strconv.Itoa(int(source))},
		{"dst", strconv.Itoa(int(destination))},
		{"vtag", fmt.Sprintf("%08x", tag)},
		{"chunks", hexList(types, 2)},
	}, nil
}

func decodeSDP(data []byte) ([]field, error) {
	var s sdp.SessionDescription
	if err := s.Unmarshal(data); err != nil {
		return nil, err
	}
	kinds := make([]string, len(s.MediaDescriptions))
	for i, m := range s.MediaDescriptions {
		kinds[i] = m.MediaName.Media
	}
	return []field{
		{"v", strconv.Itoa(int(s.Version))},
		{"o.user", s.Origin.Username},
		{"o.id", strconv.FormatUint(s.Origin.SessionID, 10)},
		{"o.version", strconv.FormatUint(s.Origin.SessionVersion, 10)},
		{"o.net", s.Origin.NetworkType},
		{"o.addrtype", s.Origin.AddressType},
		{"o.addr", s.Origin.UnicastAddress},
		{"s", string(s.SessionName)},
		{"media", strings.Join(kinds, ",")},
	}, nil
}

var decoders = map[string]func([]byte) ([]field, error){
	"stun": decodeSTUN, "rtp": decodeRTP, "rtcp": decodeRTCP, "sctp": decodeSCTP, "sdp": decodeSDP,
}

// answer gives the verdict line for one input; a panic inside Pion becomes a rejection naming it.
func answer(protocol string, data []byte) (result string) {
	decode, ok := decoders[protocol]
	if !ok {
		return "reject unknown-protocol " + escape(protocol)
	}
	defer func() {
		if r := recover(); r != nil {
			result = "reject panic: " + strings.ReplaceAll(fmt.Sprint(r), "\n", " ")
		}
	}()
	fields, err := decode(data)
	if err != nil {
		return "reject " + strings.ReplaceAll(err.Error(), "\n", " ")
	}
	return line(fields)
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	var pending []string
	for {
		text, err := in.ReadString('\n')
		text = strings.TrimRight(text, "\r\n")
		if text == "end" || (err != nil && len(pending) > 0) {
			for _, p := range pending {
				out.WriteString(p)
				out.WriteByte('\n')
			}
			pending = pending[:0]
			out.Flush()
		} else if text != "" {
			protocol, payload, _ := strings.Cut(text, " ")
			data, decodeErr := hex.DecodeString(payload)
			if decodeErr != nil {
				pending = append(pending, "reject bad-hex "+escape(decodeErr.Error()))
			} else {
				pending = append(pending, answer(protocol, data))
			}
		}
		if err != nil {
			return
		}
	}
}
