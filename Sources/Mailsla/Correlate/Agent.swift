/// A Postfix delivery agent (the daemon part of a program name, `smtp` of
/// `postfix/amavis/smtp`), with the few kinds the correlator decides by
/// found once per program instead of compared as strings per delivery.
struct Agent {
    enum Kind {
        case smtp, lmtp, local, virtual, pipe, other

        /// Delivers into a mailbox or a command on this host.
        var isLocalDelivery: Bool { self == .local || self == .virtual || self == .pipe }
    }

    let name: String
    let kind: Kind

    init(name: String) {
        self.name = name
        kind = switch name {
        case "smtp": .smtp
        case "lmtp": .lmtp
        case "local": .local
        case "virtual": .virtual
        case "pipe": .pipe
        default: .other
        }
    }
}
