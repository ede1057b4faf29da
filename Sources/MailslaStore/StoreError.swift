/// A state database that cannot be opened, migrated, written or read: the
/// file, what failed and what to do about it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
