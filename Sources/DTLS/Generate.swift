extension DTLSSetup {
    /// A random `a=setup` value.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> DTLSSetup {
        allCases.randomElement(using: &generator) ?? .actpass
    }
}
