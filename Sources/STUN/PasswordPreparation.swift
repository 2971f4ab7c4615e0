import Foundation

/// How a password (and, for long-term credentials, the realm) is prepared before it becomes key material.
///
/// - RFC 8489 (§9.1.1, §9.2.2, §14.3–14.4) uses the **OpaqueString** profile of PRECIS (RFC 8265 §4.2).
/// - RFC 5389 (§15.4), which RFC 5769's test vectors were written for, uses **SASLprep** (RFC 4013). The
///   §2.4 password "The\u{00AD}M\u{00AA}tr\u{2168}" becomes "TheMatrIX" only under SASLprep: the soft hyphen
///   is mapped to nothing and NFKC turns U+00AA into "a" and U+2168 into "IX". OpaqueString rejects the
///   soft hyphen (a default-ignorable code point) and, with NFC only, would keep U+00AA and U+2168.
public enum STUNPasswordPreparation: Hashable, Sendable, CaseIterable {
    /// RFC 8265 §4.2, as RFC 8489 requires.
    case opaqueString
    /// RFC 4013, as RFC 5389 (and RFC 5769's vectors) require.
    case saslPrep
    /// The string's UTF-8 as it is.
    case none

    /// The prepared string.
    public func prepare(_ string: String) throws(STUNPreparationError) -> String {
        switch self {
        case .opaqueString: try STUNPasswordPreparation.opaqueString(string)
        case .saslPrep: try STUNPasswordPreparation.saslPrep(string)
        case .none: string
        }
    }

    /// OpaqueString enforcement (RFC 8265 §4.2.2): width mapping none; additional mapping of non-ASCII
    /// spaces to U+0020; case mapping none; NFC; directionality none; then every code point must be
    /// allowed by the FreeformClass (RFC 8264 §4.3), and the result must not be empty.
    ///
    /// The FreeformClass test here is by general category (letters, marks, numbers, punctuation, symbols,
    /// spaces are allowed; controls, format characters, private use, unassigned, line/paragraph
    /// separators are not), minus default-ignorable code points and old Hangul jamo; the RFC 5892
    /// exception table is not applied.
    static func opaqueString(_ string: String) throws(STUNPreparationError) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            mapped.append(isNonASCIISpace(scalar) ? " " : scalar)
        }
        let normalized = String(mapped).precomposedStringWithCanonicalMapping
        for scalar in normalized.unicodeScalars where !isFreeformAllowed(scalar) {
            throw STUNPreparationError(scalar: scalar, reason: "not allowed by the PRECIS FreeformClass (RFC 8264 §9.2)")
        }
        guard !normalized.isEmpty else { throw STUNPreparationError(scalar: nil, reason: "empty after preparation (RFC 8265 §4.2.2)") }
        return normalized
    }

    /// SASLprep (RFC 4013 §2): non-ASCII spaces (C.1.2) mapped to U+0020 and the "commonly mapped to
    /// nothing" set (RFC 3454 B.1) removed; NFKC; the prohibited tables C.1.2, C.2.1–C.9 rejected.
    /// The bidirectional check (§2.5) and the unassigned-code-point rule for stored strings are not applied.
    static func saslPrep(_ string: String) throws(STUNPreparationError) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in string.unicodeScalars where !isMappedToNothing(scalar) {
            mapped.append(isNonASCIISpace(scalar) ? " " : scalar)
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        for scalar in normalized.unicodeScalars where isSASLProhibited(scalar) {
            throw STUNPreparationError(scalar: scalar, reason: "prohibited by SASLprep (RFC 4013 §2.3)")
        }
        return normalized
    }

    /// Space separators other than U+0020 (RFC 3454 C.1.2, RFC 8265 §4.2.1 step 2).
    static func isNonASCIISpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar != " " && scalar.properties.generalCategory == .spaceSeparator
    }

    /// RFC 3454 table B.1.
    static func isMappedToNothing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060, 0xFE00...0xFE0F, 0xFEFF: true
        default: false
        }
    }

    static func isFreeformAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint { return false }
        switch scalar.value {
        case 0x1100...0x11FF, 0xA960...0xA97F, 0xD7B0...0xD7FF: return false  // OldHangulJamo (RFC 5892 §2.9)
        default: break
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
            .spaceSeparator:
            return true
        default:
            return false
        }
    }

    /// RFC 3454 tables C.1.2 and C.2.1–C.9 as RFC 4013 §2.3 lists them.
    static func isSASLProhibited(_ scalar: Unicode.Scalar) -> Bool {
        if isNonASCIISpace(scalar) { return true }  // C.1.2
        switch scalar.value {
        case 0x0000...0x001F, 0x007F: return true  // C.2.1
        case 0x0080...0x009F, 0x06DD, 0x070F, 0x180E, 0x200C, 0x200D, 0x2028, 0x2029, 0x2060...0x2063,
            0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC, 0x1D173...0x1D17A:
            return true  // C.2.2
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD: return true  // C.3
        case 0xFFF9...0xFFFD: return true  // C.6
        case 0x2FF0...0x2FFB: return true  // C.7
        case 0x0340, 0x0341, 0x200E, 0x200F, 0x202A...0x202E: return true  // C.8
        case 0xE0001, 0xE0020...0xE007F: return true  // C.9
        default: return scalar.properties.isNoncharacterCodePoint  // C.4 (C.5 surrogates cannot occur)
        }
    }
}

/// A string that a preparation profile refuses.
public struct STUNPreparationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending code point, when one is to blame.
    public let scalar: Unicode.Scalar?
    public let reason: String

    public var description: String {
        guard let scalar else { return reason }
        return "U+\(String(scalar.value, radix: 16, uppercase: true)): \(reason)"
    }
}
