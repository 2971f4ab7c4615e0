import Media
import Testing

/// The error `body` throws, or nil when it returns: lets a table say which typed reason it expects.
func thrown<T>(_ body: () throws(MediaCodecError) -> T) -> MediaCodecError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A table row that shows as its name in test output, not as the thousands of samples it carries.
struct Named<Value: Sendable>: CustomTestStringConvertible, Sendable {
    let name: String
    let value: Value
    init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
    var testDescription: String { name }
}
