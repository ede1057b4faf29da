import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Placing stored positions at the first look at a name: where did each stored file go while
/// mailsla was down?
extension FileFollower {
    /// A file that may hold a stored identity: the name itself or one of its rotated siblings.
    private struct Candidate {
        let location: String
        /// Plain files are followed by descriptor; anything named `.gz` is read as a stream.
        let fd: Int32?
        let identity: FileIdentity
        let head: [UInt8]
    }

    /// Finds every stored position of `path` among the name and its rotated siblings
    /// (`InputPaths` naming: `x.1`, `x-20261126`, `x.2.gz`). The oldest file found is finished
    /// from its offset, then every newer one in rotation order (a stored one from its offset,
    /// the others from 0), then the current file. A stored identity found nowhere is `lost`,
    /// except when the name's file has its inode but is shorter than the offset: truncated while down.
    /// When a file cannot be opened, nothing is placed and the next look tries again.
    func resume(_ path: String, now: Double) {
        let stored = pendingResume[path] ?? []
        var candidates: [Candidate] = []
        defer { candidates.forEach { if let fd = $0.fd { close(fd) } } }
        let siblings = InputPaths.orderRotatedSets(
            InputPaths.listDirectory(Self.directory(of: path)).filter {
                InputPaths.rotationKey($0).base == path && InputPaths.rotationKey($0).age > 0
            })
        for location in siblings + [path] where location == path ? Self.isRegularFile(path) : true {
            guard let candidate = openCandidate(location, for: path) else { return }
            candidates.append(candidate)
        }
        // Where each stored position is now: same inode with the same first bytes first (the
        // name itself, then siblings newest first), then the same first bytes alone (a copy, a .gz).
        var found: [Int: Int64] = [:]
        for position in stored {
            let byInode = candidates.indices.reversed().first { i in
                candidates[i].fd != nil && candidates[i].identity.sameInode(position.identity)
                    && candidates[i].head.withUnsafeBytes { position.identity.matches(head: $0) }
            }
            let byContent = byInode ?? candidates.indices.reversed().first { i in
                position.identity.fingerprintLength > 0 && found[i] == nil
                    && candidates[i].head.withUnsafeBytes { position.identity.matches(head: $0) }
            }
            if let index = byContent {
                found[index] = max(found[index] ?? 0, position.offset)
            } else if let current = candidates.last, current.location == path,
                      current.identity.sameInode(position.identity), let fd = current.fd,
                      lseek(fd, 0, SEEK_END) < position.offset {
                // Same inode, shorter than the stored offset, other first bytes: truncated and
                // written again. The file there now is read from 0.
                counters[path].truncatedWhileDown += 1
            } else {
                lost.append(position)
                counters[path].lostWhileDown += 1
            }
        }
        let first = found.keys.min() ?? candidates.indices.last.map { $0 } ?? candidates.count
        var files: [FollowedFile] = []
        for index in candidates.indices where index >= first {
            let candidate = candidates[index]
            let isCurrent = candidate.location == path
            var offset = found[index] ?? 0
            if !isCurrent && found[index] != nil { counters[path].finishedAfterRestart += 1 }
            let file: FollowedFile
            if let fd = candidate.fd {
                let size = lseek(fd, 0, SEEK_END)
                if offset > size {
                    counters[path].truncatedWhileDown += 1
                    offset = 0
                }
                file = FollowedFile(path: path, location: candidate.location, source: .plain(fd: dup(fd)),
                                    identity: candidate.identity, offset: offset, now: now)
            } else {
                guard let (stream, skipped) = openStream(candidate.location, skipping: offset, for: path) else { return }
                if skipped < offset {
                    counters[path].truncatedWhileDown += 1
                    guard let (fresh, _) = openStream(candidate.location, skipping: 0, for: path) else { return }
                    file = FollowedFile(path: path, location: candidate.location, source: .stream(fresh),
                                        identity: candidate.identity, offset: 0, now: now)
                } else {
                    file = FollowedFile(path: path, location: candidate.location, source: .stream(stream),
                                        identity: candidate.identity, offset: offset, now: now)
                }
            }
            if !isCurrent { file.rotatedSince = now }
            files.append(file)
        }
        if candidates.last?.location == path { everOpened.insert(path) }
        groups[path, default: []] += files
        pendingResume[path] = nil
    }

    /// Opens a possible home of a stored identity and reads its first bytes.
    private func openCandidate(_ location: String, for name: String) -> Candidate? {
        if !location.hasSuffix(".gz"), let (fd, identity) = openPlain(location, for: name) {
            var head = [UInt8](repeating: 0, count: FileIdentity.fingerprintSpan)
            let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            return Candidate(location: location, fd: fd, identity: identity, head: Array(head[..<max(n, 0)]))
        }
        guard location.hasSuffix(".gz"), let (stream, _) = openStream(location, skipping: 0, for: name) else { return nil }
        var head = [UInt8](repeating: 0, count: FileIdentity.fingerprintSpan)
        var got = 0
        do {
            while got < head.count {
                let n = try head.withUnsafeMutableBytes { try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
                if n == 0 { break }
                got += n
            }
        } catch let error as InputError {
            record(error, for: name)
            return nil
        } catch {
            return nil
        }
        var st = stat()
        _ = stat(location, &st)
        let identity = head.withUnsafeBytes {
            FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), head: UnsafeRawBufferPointer(rebasing: $0[..<got]))
        }
        return Candidate(location: location, fd: nil, identity: identity, head: Array(head[..<got]))
    }

    /// Opens `location` as a stream (decompressing gzip) and reads past its first `offset` bytes.
    /// Returns the stream and how many bytes it skipped (fewer at an early end).
    private func openStream(_ location: String, skipping offset: Int64, for name: String) -> (ByteStream, Int64)? {
        do {
            let stream = try TextInput.open(.file(location)).stream
            var skipped: Int64 = 0
            while skipped < offset {
                let want = Int(min(Int64(work.bytes.count), offset - skipped))
                let n = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: work.bytes[..<want]))
                if n == 0 { break }
                skipped += Int64(n)
            }
            return (stream, skipped)
        } catch let error as InputError {
            record(error, for: name)
            return nil
        } catch {
            return nil
        }
    }
}
