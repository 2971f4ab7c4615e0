import Testing
import STUN

@Suite("Message type encoding (RFC 8489 §5)")
struct MessageTypeTests {
    @Test("Known message types have the wire values RFC 8489 §5 and RFC 8656 §17 give", arguments: [
        (STUNMethod.binding, STUNClass.request, UInt16(0x0001)),
        (.binding, .indication, 0x0011),
        (.binding, .successResponse, 0x0101),
        (.binding, .errorResponse, 0x0111),
        (.allocate, .request, 0x0003),
        (.allocate, .successResponse, 0x0103),
        (.allocate, .errorResponse, 0x0113),
        (.refresh, .request, 0x0004),
        (.send, .indication, 0x0016),
        (.data, .indication, 0x0017),
        (.createPermission, .request, 0x0008),
        (.channelBind, .request, 0x0009),
        (.channelBind, .successResponse, 0x0109),
    ])
    func knownTypes(method: STUNMethod, messageClass: STUNClass, wire: UInt16) {
        let type = STUNMessageType(method: method, messageClass: messageClass)
        #expect(type.wireValue == wire)
        #expect(STUNMessageType(wireValue: wire) == type)
    }

    @Test("Every 14-bit type value splits into method and class and joins back unchanged")
    func everyTypeRoundTrips() {
        for wire in UInt16(0)..<0x4000 {
            #expect(STUNMessageType(wireValue: wire).wireValue == wire)
        }
    }

    @Test("The class bits C1 and C0 sit at bits 8 and 4; method bits fill the rest (M11 at bit 13)")
    func bitPositions() {
        #expect(STUNMessageType(method: STUNMethod(rawValue: 0), messageClass: .indication).wireValue == 0x0010)
        #expect(STUNMessageType(method: STUNMethod(rawValue: 0), messageClass: .successResponse).wireValue == 0x0100)
        #expect(STUNMessageType(method: STUNMethod(rawValue: 0xFFF), messageClass: .request).wireValue == 0x3EEF)
        #expect(STUNMethod(rawValue: 0x123).name == nil)
        #expect(STUNMethod(rawValue: 0x123).description == "method 0x123")
    }
}
