import MailslaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Looking names up: which file each followed name holds now.
extension FileFollower {
    /// Expands the patterns and looks at every name: a new file is opened, a name that holds
    /// another file than the one followed sends the old one to be finished.
    func scan(now: Double) {
        lastScan = now
        var names: [String] = []
        var directories = Set<String>()
        for pattern in patterns {
            let directory = Self.directory(of: pattern)
            if !InputPaths.hasGlobCharacters(directory) { directories.insert(directory) }
            if InputPaths.hasGlobCharacters(pattern) {
                names += InputPaths.glob(pattern).filter { !Self.isRotatedName($0) && Self.isRegularFile($0) }
            } else {
                names.append(pattern)
            }
        }
        if !firstScanDone {
            // A stored name a glob no longer matches (its file rotated away while down) is still looked for.
            names += pendingResume.keys.sorted().filter { path in
                patterns.contains { $0 == path || fnmatch($0, path, FNM_PATHNAME) == 0 }
            }
        }
        let expanded = Set(names)
        names += order
        var seen = Set<String>()
        for path in names where seen.insert(path).inserted {
            if groups[path] == nil {
                groups[path] = []
                order.append(path)
            }
            directories.insert(Self.directory(of: path))
            examine(path, now: now)
        }
        // Names gone for good whose files are all finished.
        order.removeAll { path in
            let done = groups[path, default: []].isEmpty && !expanded.contains(path)
            if done { groups[path] = nil }
            return done
        }
        watchesComplete = watcher.watch(directories)
        firstScanDone = true
    }

    /// Looks at what `path` holds now.
    private func examine(_ path: String, now: Double) {
        let current = groups[path, default: []].last { $0.rotatedSince == nil }
        var st = stat()
        guard stat(path, &st) == 0 else {
            let code = errno
            guard code == ENOENT || code == ENOTDIR else {
                record(InputError(.unreadable, path: path, reason: String(cString: strerror(code))), for: path)
                return
            }
            errors[path] = nil
            if let current {
                current.rotatedSince = now
                counters[path].deletions += 1
            }
            if pendingResume[path] != nil { resume(path, now: now) }
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            record(InputError(.unreadable, path: path, reason: "not a regular file"), for: path)
            return
        }
        if let current, let open = current.openInode, open.device == UInt64(st.st_dev), open.inode == UInt64(st.st_ino) {
            return
        }
        if pendingResume[path] != nil {
            resume(path, now: now)
            return
        }
        guard let (fd, identity) = openPlain(path, for: path) else { return }
        let start: Int64 = !firstScanDone && newFilesStart == .end ? Self.endOffset(fd, maxLineLength: maxLineLength) : 0
        if let current {
            current.rotatedSince = now
            counters[path].rotations += 1
        }
        if !everOpened.insert(path).inserted { counters[path].reopens += 1 }
        groups[path, default: []].append(FollowedFile(path: path, location: path, source: .plain(fd: fd),
                                                      identity: identity, offset: start, now: now))
    }

    /// Opens a plain file and takes its identity; records the error under `name` on failure.
    func openPlain(_ location: String, for name: String) -> (Int32, FileIdentity)? {
        let fd = open(location, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            record(InputError(.unreadable, path: location, reason: String(cString: strerror(errno))), for: name)
            return nil
        }
        guard let identity = FollowedFile.identity(of: fd) else {
            record(InputError(.unreadable, path: location, reason: String(cString: strerror(errno))), for: name)
            close(fd)
            return nil
        }
        errors[name] = nil
        return (fd, identity)
    }

    /// The offset after the last complete line, for starting at the end without cutting a line
    /// in two; 0 when the file is one partial line, the size when no newline is near the end.
    static func endOffset(_ fd: Int32, maxLineLength: Int) -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return 0 }
        let size = Int64(st.st_size)
        let window = Int(min(size, Int64(maxLineLength)))
        var tail = [UInt8](repeating: 0, count: window)
        let n = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, window, off_t(size - Int64(window))) }
        guard n == window else { return size }
        if let last = tail.lastIndex(of: 0x0A) { return size - Int64(window) + Int64(last) + 1 }
        return Int64(window) == size ? 0 : size
    }

    /// True for a rotated name (`x.1`, `x-20261126`) or a `.gz`: globs leave those out.
    static func isRotatedName(_ path: String) -> Bool {
        path.hasSuffix(".gz") || InputPaths.rotationKey(path).age > 0
    }

    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
