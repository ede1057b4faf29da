import Foundation
import Mailsla

/// Checks the `Authorization` header against the configured bearer token or
/// basic credentials. The comparison takes the same time whatever the header
/// says (it never stops at the first differing byte), so timing does not
/// tell an attacker how much of a guess was right.
struct Authenticator: Sendable {
    private let expected: [UInt8]?
    /// The `WWW-Authenticate` challenge of a 401.
    let challenge: String

    init(_ auth: ListenSettings.Auth?) {
        switch auth {
        case nil:
            expected = nil
            challenge = ""
        case .bearer(let token):
            expected = Array("Bearer \(token)".utf8)
            challenge = #"Bearer realm="mailsla""#
        case .basic(let user, let password):
            expected = Array("Basic \(Data("\(user):\(password)".utf8).base64EncodedString())".utf8)
            challenge = #"Basic realm="mailsla", charset="UTF-8""#
        }
    }

    var isEnabled: Bool { expected != nil }

    /// True when no credentials are configured or `header` carries the right ones.
    func allows(_ header: String?) -> Bool {
        guard let expected else { return true }
        guard let header else { return false }
        return Self.constantTimeEqual(Array(header.utf8), expected)
    }

    /// Compares every byte of the longer input; the length difference is folded in, not returned early.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt64(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= UInt64(x ^ y)
        }
        return difference == 0
    }
}
