#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file a stored position belongs to, so a restart finds it again after rotation.
///
/// A name is not enough (rotation moves files between names) and neither is an inode
/// (a deleted file's inode is reused). So the identity is device + inode + a hash of the
/// file's first bytes. A file shorter than `FileIdentity.fingerprintSpan` is hashed over
/// what it has, and `fingerprintLength` says how much: as the file grows its identity
/// covers more bytes, and an older, shorter identity still `matches` it, because only
/// its first `fingerprintLength` bytes are compared.
public struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The most bytes a fingerprint covers.
    public static let fingerprintSpan = 1024

    public var device: UInt64
    public var inode: UInt64
    /// FNV-1a 64 of the first `fingerprintLength` bytes of the file's content
    /// (after decompression, for a gzip file).
    public var fingerprint: UInt64
    public var fingerprintLength: Int

    public init(device: UInt64, inode: UInt64, fingerprint: UInt64, fingerprintLength: Int) {
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
        self.fingerprintLength = fingerprintLength
    }

    public var description: String {
        "dev \(device) ino \(inode) fp \(String(fingerprint, radix: 16))/\(fingerprintLength)"
    }

    /// The identity of a file whose content starts with `head` (at most `fingerprintSpan` bytes).
    public init(device: UInt64, inode: UInt64, head: UnsafeRawBufferPointer) {
        let head = UnsafeRawBufferPointer(rebasing: head.prefix(Self.fingerprintSpan))
        self.init(device: device, inode: inode, fingerprint: FNV1a.hash(head), fingerprintLength: head.count)
    }

    /// True when a file's content starting with `head` is the content this identity was
    /// taken from, perhaps grown since: its first `fingerprintLength` bytes hash the same.
    /// Device and inode are not compared (see `sameInode`): a copied or compressed
    /// file keeps its content, not its inode.
    public func matches(head: UnsafeRawBufferPointer) -> Bool {
        head.count >= fingerprintLength
            && FNV1a.hash(UnsafeRawBufferPointer(rebasing: head.prefix(fingerprintLength))) == fingerprint
    }

    /// True when `other` names the same inode on the same device.
    public func sameInode(_ other: FileIdentity) -> Bool {
        device == other.device && inode == other.inode
    }
}

/// FNV-1a 64: stable across runs and machines (Swift's `Hasher` is seeded per process),
/// and fast enough for 1 KiB per check.
enum FNV1a {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = seed) -> UInt64 {
        var h = seed
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return h
    }
}
