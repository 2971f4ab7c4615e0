import Wire

extension DataChannelOptions {
    /// Valid options of every kind (ordered or not, each reliability, negotiated or in-band), for property
    /// tests and the fuzz runner.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> Self {
        var options = DataChannelOptions()
        options.ordered = Bool.random(using: &generator)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: options.maxRetransmits = Int.random(in: 0...Int(UInt16.max), using: &generator)
        case 1: options.maxPacketLifeTime = .milliseconds(Int64.random(in: 0...Int64(UInt32.max), using: &generator))
        default: break
        }
        options.protocol = String(repeating: "p", count: Int.random(in: 0...8, using: &generator))
        options.priority = [128, 256, 512, 1024].randomElement(using: &generator) ?? 256
        return options
    }
}

extension DataChannelMessage {
    /// Text or binary, empty sometimes, up to `maxSize` bytes.
    public static func random<R: RandomNumberGenerator>(using generator: inout R, maxSize: Int = 64) -> Self {
        let size = Int.random(in: 0...max(maxSize, 0), using: &generator)
        if Bool.random(using: &generator) {
            return .text(String((0..<size).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator))) }))
        }
        return .binary((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
