import MailslaInput
import MailslaStore

/// Follower positions as the state database keeps them, both ways: the log
/// files and the probe result files store theirs alike.
extension StoredFilePosition {
    init(_ p: FollowPosition) {
        self.init(path: p.path, device: p.identity.device, inode: p.identity.inode, fingerprint: p.identity.fingerprint,
                  fingerprintLength: p.identity.fingerprintLength, offset: p.offset)
    }

    var followPosition: FollowPosition {
        FollowPosition(path: path, identity: FileIdentity(device: device, inode: inode, fingerprint: fingerprint,
                                                          fingerprintLength: fingerprintLength), offset: offset)
    }
}
